using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GenderML.Web;

/// <summary>
/// <c>GET /health/live</c> (the process answers), <c>GET /health/ready</c> and <c>GET /health</c> (models loaded and
/// no queue full: 200, else 503), and <c>GET /metrics</c> (Prometheus text).
/// </summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints,
        Func<RouteHandlerBuilder, string, bool, RouteHandlerBuilder> filter)
    {
        filter(endpoints.MapGet("/health/live", () => Results.Ok(new HealthResponse("live", []))), "/health/live", false)
            .WithName("Live").WithSummary("200 while the process answers.").Produces<HealthResponse>();
        filter(endpoints.MapGet("/health/ready", Ready), "/health/ready", false)
            .WithName("Ready").WithSummary("200 when every model is loaded and no queue is full, else 503.")
            .Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        filter(endpoints.MapGet("/health", Ready), "/health", false)
            .WithName("Health").WithSummary("As /health/ready.")
            .Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        filter(endpoints.MapGet("/metrics", (GenderClassifierPool pool) =>
                Results.Text(pool.Metrics.Render(pool.Models), "text/plain; version=0.0.4; charset=utf-8")), "/metrics", true)
            .WithName("Metrics").WithSummary("Prometheus text: requests, latency and batch-size histograms, faces, errors, queue.")
            .Produces<string>(contentType: "text/plain").ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    private static IResult Ready(GenderClassifierPool pool)
    {
        var models = pool.Models.Select(m => new ModelHealth(m.Name, m.Batcher.Waiting, m.Batcher.Waiting < pool.Options.QueueCapacity)).ToList();
        bool ready = models.All(m => m.Accepting);
        return Results.Json(new HealthResponse(ready ? "ready" : "busy", models), statusCode: ready ? 200 : 503);
    }
}

/// <summary>The health answer: a status word and each model's queue.</summary>
internal sealed record HealthResponse(string Status, IReadOnlyList<ModelHealth> Models);

/// <summary>One model's queue: images waiting, and whether it takes more.</summary>
internal sealed record ModelHealth(string Name, int Waiting, bool Accepting);
