using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GenderML.Web;

/// <summary><c>GET /api/models</c> and <c>GET /api/models/{name}</c>: the served models and their model cards.</summary>
internal static class ModelEndpoints
{
    public static void Map(RouteGroupBuilder api, Func<RouteHandlerBuilder, string, bool, RouteHandlerBuilder> filter)
    {
        filter(api.MapGet("/models", (GenderClassifierPool pool, DashboardData data) =>
                Results.Ok(pool.Models.Select(m => ModelCardResponse.Of(m, data.Report(m.Name), data.TestSource)).ToList())), "/api/models", true)
            .WithName("ListModels")
            .WithSummary("The served models' cards, the default model first.")
            .Produces<List<ModelCardResponse>>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        filter(api.MapGet("/models/{name}", (string name, GenderClassifierPool pool, DashboardData data) =>
                pool.Find(name) is { } model
                    ? Results.Ok(ModelCardResponse.Of(model, data.Report(name), data.TestSource))
                    : Problems.Of(StatusCodes.Status404NotFound, "No such model", $"no model named '{name}' (GET /api/models lists them)")),
                "/api/models/{name}", true)
            .WithName("GetModel")
            .WithSummary("One model's card: kind, preprocessing, training summary, metrics, intended use and limits.")
            .Produces<ModelCardResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
