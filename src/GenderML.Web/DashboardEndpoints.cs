using System.Collections.Concurrent;
using GenderML.Evaluation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GenderML.Web;

/// <summary>
/// The dashboard: its page and assets at <c>/</c> and <c>/assets/*</c> (embedded in this assembly: nothing is
/// fetched from elsewhere), and the JSON, plots and images its pages read under <c>/dashboard</c>.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly ConcurrentDictionary<string, byte[]> Plots = new(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder endpoints,
        Func<RouteHandlerBuilder, string, bool, RouteHandlerBuilder> filter)
    {
        endpoints.MapGet("/", () => Asset("index.html")).ExcludeFromDescription();
        endpoints.MapGet("/assets/{file}", (string file) => Asset(file)).ExcludeFromDescription();
        var dashboard = endpoints.MapGroup("/dashboard").ExcludeFromDescription();
        filter(dashboard.MapGet("/summary", Summary), "/dashboard", false);
        filter(dashboard.MapGet("/data", (DashboardData data) =>
        {
            data.Start();
            return Results.Ok(new { state = data.State, step = data.Step, error = data.Error, study = data.Study });
        }), "/dashboard", false);
        filter(dashboard.MapGet("/metrics", Metrics), "/dashboard", false);
        filter(dashboard.MapGet("/average.png", (DashboardData data) =>
            data.AveragePng is { } png ? Results.Bytes(png, "image/png") : NotYet()), "/dashboard", false);
        filter(dashboard.MapGet("/plots/balance.png", (DashboardData data) =>
            data.Study is { } study ? Png("balance", () => DashboardPlots.Balance(study)) : NotYet()), "/dashboard", false);
        filter(dashboard.MapGet("/plots/{model}/{kind}.png", Plot), "/dashboard", false);
        filter(dashboard.MapGet("/images/{index:int}", (int index, DashboardData data) =>
            data.ImagePath(index) is { } path ? Results.File(File.ReadAllBytes(path), ContentType(path)) : NotYet()),
            "/dashboard", false);
    }

    private static IResult Summary(GenderClassifierPool pool, DashboardData data)
    {
        data.Start();
        return Results.Ok(new
        {
            defaultModel = pool.Default.Name,
            models = pool.Models.Select(m => ModelCardResponse.Of(m, data.Report(m.Name), data.TestSource)),
            data = pool.Options.DataFolder is { } folder
                ? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))
                : null,
            apiKey = pool.Options.ApiKey is not null,
        });
    }

    private static IResult Metrics(GenderClassifierPool pool, DashboardData data)
    {
        data.Start();
        var models = pool.Models.Select(m =>
        {
            var report = data.Report(m.Name);
            return new
            {
                name = m.Name,
                kind = m.Info.Kind,
                curves = m.Info.Curves is { Epochs.Count: > 0 },
                validation = m.Info.Metrics,
                test = report is null ? null : new
                {
                    images = report.N,
                    accuracy = report.Accuracy,
                    rocAuc = report.RocAuc,
                    prAuc = report.PrAuc,
                    logLoss = report.LogLoss,
                    brier = report.Brier,
                    ece = report.ExpectedCalibrationError,
                    confusion = report.Confusion,
                    classes = new[] { Row("female", report.Classification.Female), Row("male", report.Classification.Male),
                        Row("macro avg", report.Classification.MacroAverage), Row("weighted avg", report.Classification.WeightedAverage) },
                    groups = report.Groups,
                    skipped = report.Skipped.Count,
                    errors = EvaluationMarkdown.ConfidentErrorsOf(report).Take(12)
                        .Select(e => new
                        {
                            image = data.ImageToken(e.Path), label = e.Label == 1 ? "male" : "female", pMale = Math.Round(e.PMale, 4),
                        }),
                },
            };
        }).ToList();
        return Results.Ok(new { state = data.State, step = data.Step, error = data.Error, models });
    }

    private static object Row(string name, ClassMetrics m) =>
        new { name, precision = m.Precision, recall = m.Recall, f1 = m.F1, support = m.Support };

    private static IResult Plot(string model, string kind, GenderClassifierPool pool, DashboardData data)
    {
        if (pool.Find(model) is not { } served)
            return Problems.Of(StatusCodes.Status404NotFound, "No such model", $"no model named '{model}'");
        if (kind == "curves")
            return served.Info.Curves is { Epochs.Count: > 0 } curves
                ? Png($"{model}/curves", () => DashboardPlots.Curves(curves))
                : NotYet();
        if (data.Report(model) is not { } report) return NotYet();
        return kind switch
        {
            "roc" => Png($"{model}/roc", () => DashboardPlots.Roc(report)),
            "calibration" => Png($"{model}/calibration", () => DashboardPlots.Calibration(report)),
            _ => Problems.Of(StatusCodes.Status404NotFound, "No such plot", $"no plot named '{kind}' (roc, calibration, curves)"),
        };
    }

    private static IResult Png(string key, Func<byte[]> draw) => Results.Bytes(Plots.GetOrAdd(key, _ => draw()), "image/png");

    private static IResult NotYet() => Problems.Of(StatusCodes.Status404NotFound, "Not available",
        "not computed (yet): see /dashboard/data for the study's state");

    private static IResult Asset(string file)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("wwwroot/" + file);
        if (stream is null) return Problems.Of(StatusCodes.Status404NotFound, "Not found", $"no asset named '{file}'");
        return Results.Stream(stream, ContentType(file));
    }

    private static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        _ => "image/jpeg",
    };
}
