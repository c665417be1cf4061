using System.Text.Json.Serialization;
using GenderML.FaceApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace GenderML.Web;

/// <summary><c>POST /api/predict</c>: the faces of each uploaded image with P(male), or the image with them drawn.</summary>
internal static class PredictEndpoints
{
    public static void Map(RouteGroupBuilder api, Func<RouteHandlerBuilder, string, bool, RouteHandlerBuilder> filter)
    {
        filter(api.MapPost("/predict", PredictAsync), "/api/predict", true)
            .WithName("Predict")
            .WithSummary("Predicts each uploaded image: a raw image/jpeg or image/png body, or multipart/form-data files.")
            .WithDescription("detectFaces=true: every face the detector finds; otherwise each image is one face crop. "
                + "annotate=true (one image): the image with boxes and labels drawn, as PNG (or JPEG when Accept asks for image/jpeg).")
            // The body is described here rather than with Accepts(), whose content-type check would answer 415 with
            // an empty body before the handler could say what is wrong.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                var form = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["file"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = binary, Description = "one or more images" },
                    },
                };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["multipart/form-data"] = new() { Schema = form },
                        ["image/jpeg"] = new() { Schema = binary },
                        ["image/png"] = new() { Schema = binary },
                    },
                };
                return Task.CompletedTask;
            })
            .Produces<PredictResponse>()
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
    }

    private static async Task<IResult> PredictAsync(HttpRequest request, GenderClassifierPool pool,
        bool? detectFaces, bool? annotate, string? model, CancellationToken aborted)
    {
        var served = model is null ? pool.Default : pool.Find(model)
            ?? throw new RequestProblem(StatusCodes.Status404NotFound, "No such model", $"no model named '{model}' (GET /api/models lists them)");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(pool.Options.RequestTimeout);
        try
        {
            var uploads = await ImageUpload.ReadAsync(request, pool.Options, timeout.Token).ConfigureAwait(false);
            if (annotate == true && uploads.Count != 1)
                throw new RequestProblem(StatusCodes.Status400BadRequest, "One image to annotate",
                    $"annotate=true takes one image; this request has {uploads.Count}");
            // Queue every image before awaiting any, so the images of one request can share a batch.
            var tasks = uploads.Select(u => served.Batcher.PredictAsync(u.Image, detectFaces == true, timeout.Token)).ToList();
            var results = await Task.WhenAll(tasks).ConfigureAwait(false);
            pool.Metrics.AddFaces(results.Sum(r => r.Faces.Count));
            if (annotate == true) return Annotated(request, uploads[0].Image, results[0]);
            return Results.Ok(new PredictResponse(served.Name, served.Version,
                [.. uploads.Select((u, i) => new ImageResponse(u.Name, results[i].FaceFound, results[i].Width, results[i].Height,
                    results[i].Faces))]));
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            throw new RequestProblem(StatusCodes.Status503ServiceUnavailable, "Request timed out",
                $"the request took longer than {pool.Options.RequestTimeout.TotalSeconds:0.###} s (GenderMLWebOptions.RequestTimeout)");
        }
    }

    private static IResult Annotated(HttpRequest request, Imaging.Image image, ImagePredictionResult result)
    {
        var faces = result.Faces.Select(f => new FacePrediction(new DetectedFace(f.Box.X, f.Box.Y, f.Box.Width, f.Box.Height, f.DetectorScore ?? 1),
            GenderPrediction.FromProbability((float)f.ProbabilityMale))).ToList();
        var drawn = FacePhotoClassifier.Annotate(image, faces);
        bool jpeg = request.Headers.Accept.ToString().Contains("image/jpeg", StringComparison.OrdinalIgnoreCase)
            && !request.Headers.Accept.ToString().Contains("image/png", StringComparison.OrdinalIgnoreCase);
        return jpeg ? Results.Bytes(drawn.EncodeJpeg(90), "image/jpeg") : Results.Bytes(drawn.EncodePng(), "image/png");
    }
}

/// <summary>The answer of <c>POST /api/predict</c>: the model and one entry per image, in upload order.</summary>
internal sealed record PredictResponse(string Model, string Version, IReadOnlyList<ImageResponse> Images);

/// <summary>One image's faces.</summary>
internal sealed record ImageResponse(string File, bool FaceFound, int Width, int Height,
    [property: JsonPropertyName("faces")] IReadOnlyList<FacePredictionResult> Faces);
