using Microsoft.AspNetCore.Http;

namespace GenderML.Web;

/// <summary>
/// Errors as RFC 7807 problem details (<c>application/problem+json</c>): a status, a short title and a one-line detail
/// that names the problem and never a server path or a stack trace.
/// </summary>
internal static class Problems
{
    public static IResult Of(int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, type: $"https://httpstatuses.io/{status}");

    public static IResult Of(RequestProblem problem) => Of(problem.Status, problem.Title, problem.Detail);
}

/// <summary>A request the API refuses: the status and words of its problem details.</summary>
internal sealed class RequestProblem(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Detail { get; } = detail;
}
