using System.Net;
using GenderML.Imaging;

namespace GenderML.Web.Tests;

/// <summary>The limits that need a server of their own: API key, CORS origins, a full queue, the request timeout.</summary>
public sealed class LimitTests
{
    private static GenderMLWebOptions Pretrained => new() { Model = ClassifierPresets.Pretrained };

    [Fact]
    public async Task ApiKey_IsRequiredOnApiAndMetrics_AndAcceptedAsHeaderOrBearer()
    {
        await using var server = await TestServer.StartAsync(Pretrained with { ApiKey = "s3cret-key" });
        var client = server.Client;
        var missing = await client.PostAsync("/api/predict", ApiTests.Raw(TestData.Face(), "image/jpeg"));
        await ApiTests.AssertProblem(missing, 401);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        await ApiTests.AssertProblem(await client.GetAsync("/metrics"), 401);
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        wrong.Headers.Add("X-Api-Key", "s3cret-kex");
        await ApiTests.AssertProblem(await client.SendAsync(wrong), 401);
        var right = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        right.Headers.Add("X-Api-Key", "s3cret-key");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = ApiTests.Raw(TestData.Face(), "image/jpeg") };
        bearer.Headers.Authorization = new("Bearer", "s3cret-key");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(bearer)).StatusCode);
        // Health and the dashboard's page stay open: probes and people need no key.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Cors_AllowsOnlyTheConfiguredOrigins()
    {
        await using var server = await TestServer.StartAsync(Pretrained with { CorsOrigins = ["http://allowed.test"] });
        foreach (var (origin, allowed) in new[] { ("http://allowed.test", true), ("http://other.test", false) })
        {
            var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/predict");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            var response = await server.Client.SendAsync(preflight);
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        }
    }

    [Fact]
    public async Task FullQueue_Gets429WithRetryAfter_AndTheOthersSucceed()
    {
        // The first image waits up to 2 s for others to join its batch, so the queue of 2 fills.
        await using var server = await TestServer.StartAsync(Pretrained with
        {
            QueueCapacity = 2, MaxBatchSize = 64, MaxBatchDelay = TimeSpan.FromSeconds(2), RetryAfterSeconds = 3,
        });
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => server.Client.PostAsync("/api/predict", ApiTests.Raw(TestData.Face(), "image/jpeg"))));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(4, refused.Count);
        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(refused, r => Assert.Equal(TimeSpan.FromSeconds(3), r.Headers.RetryAfter!.Delta));
        await ApiTests.AssertProblem(refused[0], 429, "QueueCapacity");
    }

    [Fact]
    public async Task SlowRequest_Gets503AfterTheRequestTimeout()
    {
        await using var server = await TestServer.StartAsync(Pretrained with
        {
            RequestTimeout = TimeSpan.FromMilliseconds(200), MaxBatchDelay = TimeSpan.FromSeconds(5), MaxBatchSize = 64,
        });
        await ApiTests.AssertProblem(await server.Client.PostAsync("/api/predict", ApiTests.Raw(TestData.Face(), "image/jpeg")), 503, "RequestTimeout");
    }

    [Fact]
    public void Options_OutOfRange_NameTheProperty()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GenderClassifierPool(Pretrained with { MaxBatchSize = 0 }));
        Assert.Contains("GenderMLWebOptions.MaxBatchSize", e.Message);
        Assert.Contains("GenderMLWebOptions.Model", Assert.Throws<ArgumentException>(() => new GenderClassifierPool(new GenderMLWebOptions())).Message);
    }
}

/// <summary>The pool as a library: concurrent calls share batches and get their own answers.</summary>
public sealed class PoolTests
{
    [Fact]
    public async Task ConcurrentPredictions_RunAsOneBatch_AndEachGetsItsOwnAnswer()
    {
        await using var pool = new GenderClassifierPool(new GenderMLWebOptions
        {
            Model = ClassifierPresets.Pretrained, MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromSeconds(5),
        });
        var images = new[] { ("female", 0), ("male", 0), ("female", 1), ("male", 1) }
            .Select(f => (Label: f.Item1, Image: Image.Load(TestData.Face(f.Item1, f.Item2), new ImageLoadOptions { Format = PixelFormat.Rgb24 }))).ToList();
        var results = await Task.WhenAll(images.Select(i => pool.PredictAsync(i.Image)));
        Assert.Equal(images.Select(i => i.Label), results.Select(r => r.Faces[0].Label));
        // Four images, one batch: the batch-size histogram saw a single batch, of four.
        string metrics = pool.Metrics.Render(pool.Models);
        Assert.Contains("genderml_batch_size_count 1", metrics);
        Assert.Contains("genderml_batch_size_bucket{le=\"2\"} 0", metrics);
        Assert.Contains("genderml_batch_size_bucket{le=\"4\"} 1", metrics);
        var alone = pool.Default.Classifier.Predict(images[1].Image);
        Assert.Equal(Math.Round(alone.ProbabilityMale, 6), results[1].Faces[0].ProbabilityMale, 5);
    }

    [Fact]
    public async Task UnknownModel_Throws()
    {
        await using var pool = new GenderClassifierPool(new GenderMLWebOptions { Model = ClassifierPresets.Pretrained });
        await Assert.ThrowsAsync<KeyNotFoundException>(() => pool.PredictAsync(new Image(8, 8, PixelFormat.Rgb24), model: "nope"));
    }
}

/// <summary>The abstain band of the options marks each face it holds.</summary>
public sealed class AbstainTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFaceInsideTheBand_IsMarkedAbstained(bool everything)
    {
        await using var pool = new GenderClassifierPool(new GenderMLWebOptions
        {
            Model = ClassifierPresets.Pretrained, AbstainBand = everything ? new AbstainBand(0, 1) : null,
        });
        var result = await pool.PredictAsync(Image.Load(TestData.Face(), new ImageLoadOptions { Format = PixelFormat.Rgb24 }));
        Assert.Equal(everything, result.Faces[0].Abstained);
    }
}
