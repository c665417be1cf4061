using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GenderML.Imaging;

namespace GenderML.Web.Tests;

/// <summary>Every endpoint of the API through Kestrel on 127.0.0.1, with real face images.</summary>
[Collection(ServerCollection.Name)]
public sealed class ApiTests(ServerFixture fixture)
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Predict_RawJpeg_AnswersOneFaceWithModelAndVersion()
    {
        var json = await PredictJson(Raw(TestData.Face("female"), "image/jpeg"), "");
        Assert.Equal("pretrained", json.GetProperty("model").GetString());
        Assert.Equal("face-api-1.7.15", json.GetProperty("version").GetString());
        var image = json.GetProperty("images")[0];
        Assert.True(image.GetProperty("faceFound").GetBoolean());
        var face = Assert.Single(image.GetProperty("faces").EnumerateArray().ToList());
        Assert.Equal("female", face.GetProperty("label").GetString());
        Assert.InRange(face.GetProperty("pMale").GetDouble(), 0, 0.5);
        Assert.False(face.GetProperty("abstained").GetBoolean());
        Assert.Equal(JsonValueKind.Null, face.GetProperty("detectorScore").ValueKind);
        Assert.Equal(image.GetProperty("width").GetInt32(), face.GetProperty("box").GetProperty("width").GetDouble());
    }

    [Fact]
    public async Task Predict_RawPng_IsTheSameFaceAsItsJpeg()
    {
        var photo = Image.Load(TestData.Face("male"), new ImageLoadOptions { Format = PixelFormat.Rgb24 });
        var json = await PredictJson(Raw(photo.EncodePng(), "image/png"), "");
        Assert.Equal("male", json.GetProperty("images")[0].GetProperty("faces")[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task Predict_Multipart_AnswersEachFileInOrder_WithTheSameProbabilityAsTheLibrary()
    {
        var files = new[] { TestData.Face("female", 1), TestData.Face("male", 1), TestData.Face("male", 2) };
        var json = await PredictJson(Form(files), "?model=logreg");
        Assert.Equal("logreg", json.GetProperty("model").GetString());
        var images = json.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["face0.jpg", "face1.jpg", "face2.jpg"], images.Select(i => i.GetProperty("file").GetString()));
        var model = GenderClassifier.Load(Path.Combine(Path.GetDirectoryName(fixture.DataFolder)!, "models", "logreg.zip"));
        for (int i = 0; i < files.Length; i++)
        {
            double expected = model.Predict(Image.Load(files[i], new ImageLoadOptions { Format = PixelFormat.Rgb24 })).ProbabilityMale;
            Assert.Equal(Math.Round(expected, 6), images[i].GetProperty("faces")[0].GetProperty("pMale").GetDouble(), 5);
        }
    }

    [Fact]
    public async Task Predict_DetectFaces_BoxesTheFaceWithADetectorScore()
    {
        var json = await PredictJson(Form([TestData.Face("female", 0)]), "?detectFaces=true");
        var image = json.GetProperty("images")[0];
        Assert.True(image.GetProperty("faceFound").GetBoolean());
        var face = image.GetProperty("faces")[0];
        Assert.InRange(face.GetProperty("detectorScore").GetDouble(), 0.5, 1);
        Assert.True(face.GetProperty("box").GetProperty("width").GetDouble() > 10);
        // The same faces and P(male) as the library's photo classifier (and so `genderml predict --detect-faces`).
        var photo = Image.Load(TestData.Face("female", 0), new ImageLoadOptions { Format = PixelFormat.Rgb24 });
        var expected = FacePhotoClassifier.Load(PretrainedGenderClassifier.Load()).Classify(photo).Single();
        Assert.Equal(Math.Round(expected.Prediction.ProbabilityMale, 6), face.GetProperty("pMale").GetDouble(), 5);
        Assert.Equal(Math.Round(expected.Face.Score, 6), face.GetProperty("detectorScore").GetDouble(), 5);
    }

    [Fact]
    public async Task Predict_DetectFaces_OnAPictureWithoutAFace_SaysNoFaceFound()
    {
        var blank = new Image(200, 150, PixelFormat.Rgb24);
        blank.Pixels.AsSpan().Fill(128);
        var image = (await PredictJson(Raw(blank.EncodePng(), "image/png"), "?detectFaces=true")).GetProperty("images")[0];
        Assert.False(image.GetProperty("faceFound").GetBoolean());
        Assert.Empty(image.GetProperty("faces").EnumerateArray());
    }

    [Fact]
    public async Task Predict_Annotate_ReturnsThePngWithBoxes_OrJpegWhenAsked()
    {
        var response = await Client.PostAsync("/api/predict?detectFaces=true&annotate=true", Form([TestData.Face("female", 2)]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        var drawn = Image.Load(await response.Content.ReadAsByteArrayAsync());
        Assert.True(drawn.Width > 0);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict?annotate=true") { Content = Raw(TestData.Face(), "image/jpeg") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/jpeg"));
        var jpeg = await Client.SendAsync(request);
        Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0xFF, (await jpeg.Content.ReadAsByteArrayAsync())[0]);
    }

    [Fact]
    public async Task Predict_64SimultaneousRequests_AllSucceed()
    {
        var faces = Enumerable.Range(0, 8).Select(i => TestData.Face(i % 2 == 0 ? "female" : "male", i / 2)).ToArray();
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Client.PostAsync("/api/predict", Raw(faces[i % 8], "image/jpeg"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Theory]
    [InlineData("text/plain", "hello", 415)]
    [InlineData("image/jpeg", "<html>not an image</html>", 415)]
    [InlineData("application/json", "{}", 415)]
    public async Task Predict_NonImageBodies_Get415(string type, string body, int status) =>
        await AssertProblem(await Client.PostAsync("/api/predict", new StringContent(body, Encoding.UTF8, type)), status);

    [Fact]
    public async Task Predict_WithoutContentType_Gets415()
    {
        var content = new ByteArrayContent(TestData.Face());
        await AssertProblem(await Client.PostAsync("/api/predict", content), 415);
    }

    [Fact]
    public async Task Predict_TruncatedJpeg_Gets422()
    {
        byte[] face = TestData.Face();
        await AssertProblem(await Client.PostAsync("/api/predict", Raw(face[..(face.Length / 3)], "image/jpeg")), 422, "body");
    }

    [Fact]
    public async Task Predict_EmptyBody_Gets422() =>
        await AssertProblem(await Client.PostAsync("/api/predict", Raw([], "image/jpeg")), 422);

    [Fact]
    public async Task Predict_PixelCountAboveTheLimit_Gets413FromTheHeaderAlone()
    {
        // A PNG whose header claims 3000x2000 (6 MP, the limit here is 4 MP) and holds no pixel data at all.
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
            0, 0, 0x0B, 0xB8, 0, 0, 0x07, 0xD0, 8, 2, 0, 0, 0, 0, 0, 0, 0];
        await AssertProblem(await Client.PostAsync("/api/predict", Raw(png, "image/png")), 413, "MaxPixels");
    }

    [Theory]
    [InlineData(5L << 20)]
    [InlineData(300L << 20)]
    public async Task Predict_BodyAboveTheLimit_Gets413BeforeTheBodyIsSent(long length)
    {
        // Only the headers and one face go out: the server answers from Content-Length alone. (An HttpClient that kept
        // sending the body would see the connection close under it once the answer is written.)
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(fixture.Server.BaseAddress.Host, fixture.Server.BaseAddress.Port);
        var stream = tcp.GetStream();
        string head = $"POST /api/predict HTTP/1.1\r\nHost: {fixture.Server.BaseAddress.Authority}\r\nContent-Type: image/jpeg\r\nContent-Length: {length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(TestData.Face());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string status = (await reader.ReadLineAsync())!;
        Assert.StartsWith("HTTP/1.1 413", status);
        var headers = new List<string>();
        for (string? line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync()) headers.Add(line);
        Assert.Contains("Content-Type: application/problem+json", headers);
    }

    [Fact]
    public async Task Predict_TooManyFiles_Gets413() =>
        await AssertProblem(await Client.PostAsync("/api/predict", Form(Enumerable.Repeat(TestData.Face(), 5).ToArray())), 413, "MaxFilesPerRequest");

    [Fact]
    public async Task Predict_FormWithoutFiles_Gets400()
    {
        var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        await AssertProblem(await Client.PostAsync("/api/predict", form), 400);
    }

    [Fact]
    public async Task Predict_AnnotateWithSeveralImages_Gets400() =>
        await AssertProblem(await Client.PostAsync("/api/predict?annotate=true", Form([TestData.Face(), TestData.Face("male")])), 400);

    [Fact]
    public async Task Predict_UnknownModel_Gets404() =>
        await AssertProblem(await Client.PostAsync("/api/predict?model=nope", Raw(TestData.Face(), "image/jpeg")), 404, "nope");

    [Fact]
    public async Task Models_ListsEveryServedModel_DefaultFirst()
    {
        var models = JsonDocument.Parse(await Client.GetStringAsync("/api/models")).RootElement.EnumerateArray().ToList();
        Assert.Equal(["pretrained", "logreg"], models.Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task ModelCard_SaysWhatTheModelIsAndIsNotFor()
    {
        var answer = JsonDocument.Parse(await Client.GetStringAsync("/api/models/logreg")).RootElement;
        Assert.Equal("logreg", answer.GetProperty("kind").GetString());
        Assert.Equal(12, answer.GetProperty("version").GetString()!.Length);
        Assert.Equal(50, answer.GetProperty("preprocessing").GetProperty("size").GetInt32());
        var card = answer.GetProperty("card");
        Assert.Equal("logreg", card.GetProperty("kind").GetString());
        Assert.Equal(20, card.GetProperty("trainingData").GetProperty("counts").EnumerateArray().Sum(c => c.GetProperty("count").GetInt32()));
        Assert.Contains("perceived", card.GetProperty("intendedUse").GetString());
        Assert.NotEmpty(card.GetProperty("limits").EnumerateArray());
        Assert.NotEmpty(card.GetProperty("notIntendedUses").EnumerateArray());
        await AssertProblem(await Client.GetAsync("/api/models/nope"), 404);
    }

    [Fact]
    public async Task Health_LiveAndReady()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health/live")).StatusCode);
        var ready = JsonDocument.Parse(await Client.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Metrics_ArePrometheusText_WithRequestsLatencyBatchesFacesAndErrors()
    {
        await Client.PostAsync("/api/predict", Raw(TestData.Face(), "image/jpeg"));
        await Client.PostAsync("/api/predict", new StringContent("x", Encoding.UTF8, "text/plain"));
        var response = await Client.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        string text = await response.Content.ReadAsStringAsync();
        Assert.Contains("genderml_requests_total{route=\"/api/predict\",status=\"200\"}", text);
        Assert.Contains("genderml_request_duration_seconds_bucket{le=\"+Inf\"}", text);
        Assert.Contains("genderml_batch_size_count", text);
        Assert.Contains("genderml_errors_total{status=\"415\"}", text);
        Assert.Matches(@"genderml_faces_total [1-9]", text);
        Assert.Contains("genderml_queue_images{model=\"pretrained\"} 0", text);
    }

    [Fact]
    public async Task OpenApi_DescribesTheEndpoints()
    {
        var doc = JsonDocument.Parse(await Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths");
        foreach (string path in new[] { "/api/predict", "/api/models", "/api/models/{name}", "/health", "/metrics" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        var body = paths.GetProperty("/api/predict").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(body.TryGetProperty("multipart/form-data", out _));
        Assert.True(body.TryGetProperty("image/jpeg", out _));
    }

    [Fact]
    public async Task Cors_IsClosedByDefault()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/predict");
        preflight.Headers.Add("Origin", "http://example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var response = await Client.SendAsync(preflight);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        get.Headers.Add("Origin", "http://example.org");
        Assert.False((await Client.SendAsync(get)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    internal static ByteArrayContent Raw(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    internal static MultipartFormDataContent Form(byte[][] files)
    {
        var form = new MultipartFormDataContent();
        for (int i = 0; i < files.Length; i++)
        {
            var part = new ByteArrayContent(files[i]);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "file", $"face{i}.jpg");
        }
        return form;
    }

    private async Task<JsonElement> PredictJson(HttpContent content, string query)
    {
        var response = await Client.PostAsync("/api/predict" + query, content);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The answer is problem details with <paramref name="status"/>, naming no server path and holding no stack trace.</summary>
    internal static async Task AssertProblem(HttpResponseMessage response, int status, string? detailContains = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        if (detailContains is not null) Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(Path.GetTempPath(), body);
        Assert.DoesNotContain(TestData.Root, body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain(" at ", body);
    }
}
