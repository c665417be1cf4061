using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenderML.Web;

/// <summary>
/// A ready web app that serves GenderML alone (what <c>genderml serve</c> runs): Kestrel with the limits of
/// <see cref="GenderMLWebOptions"/>, <c>AddGenderClassifier</c> and <c>MapGenderML</c>.
/// </summary>
public static class GenderMLServer
{
    /// <summary>The address <c>genderml serve</c> listens on unless told otherwise: loopback only.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>The port <c>genderml serve</c> listens on unless told otherwise.</summary>
    public const int DefaultPort = 8080;

    /// <summary>
    /// Builds the app listening on <paramref name="urls"/> (e.g. <c>http://127.0.0.1:8080</c>; port 0 picks a free
    /// one) and loads its models; start it with <c>RunAsync</c> or <c>StartAsync</c>.
    /// </summary>
    /// <param name="options">The models and limits.</param>
    /// <param name="urls">The addresses to listen on, separated by ';'.</param>
    /// <param name="logging">Log settings (null: warnings and errors to the console, and the models served).</param>
    public static WebApplication Build(GenderMLWebOptions options, string urls, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(urls);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.Limits.KeepAliveTimeout = options.IdleTimeout;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(Math.Min(30, options.IdleTimeout.TotalSeconds));
        });
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        else
        {
            builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter("GenderML", LogLevel.Information);
            // A failure to start (a port in use) is reported by the caller in one line, not as a logged stack trace.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        }
        builder.Services.AddGenderClassifier(options);
        var app = builder.Build();
        if (options.CorsOrigins.Count > 0) app.UseCors();
        app.MapGenderML();
        return app;
    }
}
