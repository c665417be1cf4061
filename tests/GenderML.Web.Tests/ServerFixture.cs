using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace GenderML.Web.Tests;

/// <summary>A GenderML server on 127.0.0.1 (a free port) and an HttpClient to it; stopped when the tests end.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(WebApplication app, GenderMLWebOptions options)
    {
        App = app;
        Options = options;
        BaseAddress = new Uri(app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public WebApplication App { get; }

    public GenderMLWebOptions Options { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<TestServer> StartAsync(GenderMLWebOptions options)
    {
        var app = GenderMLServer.Build(options, "http://127.0.0.1:0", l => l.SetMinimumLevel(LogLevel.Critical));
        await app.StartAsync();
        return new TestServer(app, options);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>
/// The server most tests share: the pretrained model by default, a logreg trained on a small real dataset in its
/// models folder, and that dataset for the dashboard.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public string DataFolder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataFolder = TestData.SmallDataset(10);
        string models = Path.Combine(Path.GetDirectoryName(DataFolder)!, "models");
        TestData.TrainLogreg(DataFolder, models);
        Server = await TestServer.StartAsync(new GenderMLWebOptions
        {
            Model = ClassifierPresets.Pretrained,
            ModelsFolder = models,
            DataFolder = DataFolder,
            DashboardEvaluationPerClass = 6,
            MaxBodyBytes = 4 << 20,
            MaxPixels = 4_000_000,
            MaxFilesPerRequest = 4,
        });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
