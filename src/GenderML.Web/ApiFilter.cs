using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GenderML.Web;

/// <summary>
/// Runs around every GenderML endpoint: counts the request for <c>/metrics</c> once answered, checks the API key where
/// one is configured (in constant time), and turns what a handler throws into problem details (a full queue: 429 with
/// <c>Retry-After</c>; anything unexpected: a 500 that says nothing of the server's insides, logged in full).
/// </summary>
internal sealed class ApiFilter(GenderClassifierPool pool, ILogger<ApiFilter> logger, string route, bool needsKey)
    : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        long start = Stopwatch.GetTimestamp();
        http.Response.OnCompleted(() =>
        {
            pool.Metrics.ObserveRequest(route, http.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
            return Task.CompletedTask;
        });
        if (needsKey && pool.Options.ApiKey is { } key && !KeyMatches(http.Request, key))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Of(StatusCodes.Status401Unauthorized, "API key required",
                "send the API key as the X-Api-Key header or as Authorization: Bearer KEY");
        }
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (RequestProblem problem)
        {
            return Problems.Of(problem);
        }
        catch (ServerBusyException e)
        {
            http.Response.Headers.RetryAfter =
                pool.Options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many requests", e.Message);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (NoFaceException)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "No face",
                "the model takes photos and found no face in the image");
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Route}: unexpected error", route);
            return Problems.Of(StatusCodes.Status500InternalServerError, "Internal error",
                "the server could not answer this request; its log has the details");
        }
    }

    /// <summary>True when the request carries <paramref name="key"/>; compares hashes in constant time.</summary>
    internal static bool KeyMatches(HttpRequest request, string key)
    {
        string? given = request.Headers["X-Api-Key"].FirstOrDefault();
        if (given is null && request.Headers.Authorization.FirstOrDefault() is { } auth
            && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            given = auth["Bearer ".Length..].Trim();
        if (given is null) return false;
        // Hashing first makes the comparison's time independent of both lengths.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
