using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenderML.Web;

/// <summary>Registers GenderML's model pool and what its endpoints need with an app's services.</summary>
public static class GenderMLServiceCollectionExtensions
{
    /// <summary>The name of the CORS policy that allows <see cref="GenderMLWebOptions.CorsOrigins"/>.</summary>
    public const string CorsPolicy = "GenderML";

    /// <summary>
    /// Adds a <see cref="GenderClassifierPool"/> of the models <paramref name="options"/> name (loaded when first asked
    /// for; <see cref="GenderMLEndpointRouteBuilderExtensions.MapGenderML"/> asks at start-up), the OpenAPI document and
    /// problem details, and the <see cref="CorsPolicy"/> policy when <see cref="GenderMLWebOptions.CorsOrigins"/> has
    /// origins (the app then calls <c>UseCors()</c>).
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static IServiceCollection AddGenderClassifier(this IServiceCollection services, GenderMLWebOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(sp => new GenderClassifierPool(options, sp.GetService<ILogger<GenderClassifierPool>>()));
        services.AddSingleton<DashboardData>();
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "GenderML API";
            document.Info.Description = "Predicts perceived, binary gender presentation (female/male) of the faces in images.";
            return Task.CompletedTask;
        }));
        if (options.CorsOrigins.Count > 0)
            services.AddCors(c => c.AddPolicy(CorsPolicy,
                p => p.WithOrigins([.. options.CorsOrigins]).AllowAnyHeader().WithMethods("GET", "POST")));
        return services;
    }
}
