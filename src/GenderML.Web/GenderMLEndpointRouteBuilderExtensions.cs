using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenderML.Web;

/// <summary>Maps GenderML's HTTP API and dashboard onto an app's endpoints.</summary>
public static class GenderMLEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/api/predict</c>, <c>/api/models</c>, <c>/health</c>, <c>/metrics</c>, <c>/openapi/v1.json</c> and the
    /// dashboard at <c>/</c>, and loads the models of <c>AddGenderClassifier</c> now, so the first request does not wait
    /// for them.
    /// </summary>
    public static IEndpointRouteBuilder MapGenderML(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var pool = services.GetRequiredService<GenderClassifierPool>();
        var logger = services.GetRequiredService<ILogger<ApiFilter>>();
        bool cors = pool.Options.CorsOrigins.Count > 0;
        RouteHandlerBuilder Filter(RouteHandlerBuilder b, string route, bool key) => b.AddEndpointFilter(new ApiFilter(pool, logger, route, key));

        var api = endpoints.MapGroup("/api").WithTags("api");
        if (cors) api.RequireCors(GenderMLServiceCollectionExtensions.CorsPolicy);
        PredictEndpoints.Map(api, Filter);
        ModelEndpoints.Map(api, Filter);
        HealthEndpoints.Map(endpoints, Filter);
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        DashboardEndpoints.Map(endpoints, Filter);
        return endpoints;
    }
}
