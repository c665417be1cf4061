using System.Globalization;
using GenderML.Data;
using GenderML.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace GenderML.Web;

/// <summary>
/// The images of a prediction request: a raw <c>image/jpeg</c> or <c>image/png</c> body, or the files of a
/// <c>multipart/form-data</c> body. Each is checked against the limits of <see cref="GenderMLWebOptions"/> before it is
/// decoded: body size, JPEG or PNG signature, pixel count from the header.
/// </summary>
internal static class ImageUpload
{
    /// <summary>An uploaded image: the client's file name (without any folder) and the decoded pixels.</summary>
    public sealed record Upload(string Name, Image Image);

    public static async Task<IReadOnlyList<Upload>> ReadAsync(HttpRequest request, GenderMLWebOptions options, CancellationToken cancellation)
    {
        if (request.ContentLength is { } length && length > options.MaxBodyBytes) throw TooLarge(options);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = options.MaxBodyBytes;
        string? type = request.ContentType;
        if (type is null) throw Unsupported("no Content-Type: send image/jpeg, image/png or multipart/form-data");
        var media = MediaTypeHeaderValue.Parse(type);
        try
        {
            if (media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                return await ReadFormAsync(request, options, cancellation).ConfigureAwait(false);
            if (media.MediaType.Equals("image/jpeg", StringComparison.OrdinalIgnoreCase)
                || media.MediaType.Equals("image/png", StringComparison.OrdinalIgnoreCase))
            {
                byte[] body = await ReadBodyAsync(request.Body, options, cancellation).ConfigureAwait(false);
                return [Decode("body", body, options)];
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(options);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw TooLarge(options);
        }
        throw Unsupported($"Content-Type {media.MediaType}: send image/jpeg, image/png or multipart/form-data");
    }

    private static async Task<IReadOnlyList<Upload>> ReadFormAsync(HttpRequest request, GenderMLWebOptions options, CancellationToken cancellation)
    {
        var form = await request.ReadFormAsync(new FormOptions
        {
            MultipartBodyLengthLimit = options.MaxBodyBytes,
            ValueCountLimit = options.MaxFilesPerRequest + 16,
        }, cancellation).ConfigureAwait(false);
        if (form.Files.Count == 0)
            throw new RequestProblem(StatusCodes.Status400BadRequest, "No image", "the form holds no file: send each image as a file part");
        if (form.Files.Count > options.MaxFilesPerRequest)
            throw new RequestProblem(StatusCodes.Status413PayloadTooLarge, "Too many files",
                Invariant($"{form.Files.Count} files in one request; the limit is {options.MaxFilesPerRequest} (GenderMLWebOptions.MaxFilesPerRequest)"));
        var uploads = new List<Upload>(form.Files.Count);
        foreach (var file in form.Files)
        {
            await using var stream = file.OpenReadStream();
            byte[] bytes = await ReadBodyAsync(stream, options, cancellation).ConfigureAwait(false);
            uploads.Add(Decode(SafeName(file.FileName), bytes, options));
        }
        return uploads;
    }

    private static async Task<byte[]> ReadBodyAsync(Stream body, GenderMLWebOptions options, CancellationToken cancellation)
    {
        using var memory = new MemoryStream();
        byte[] buffer = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + n > options.MaxBodyBytes) throw TooLarge(options);
            memory.Write(buffer, 0, n);
        }
        return memory.ToArray();
    }

    /// <summary>Checks the signature and the header's size, then decodes.</summary>
    internal static Upload Decode(string name, byte[] bytes, GenderMLWebOptions options)
    {
        if (bytes.Length == 0) throw new RequestProblem(StatusCodes.Status422UnprocessableEntity, "Empty image", $"{name}: empty body");
        bool jpeg = bytes is [0xFF, 0xD8, 0xFF, ..];
        bool png = bytes is [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..];
        if (!jpeg && !png)
            throw Unsupported($"{name}: not a JPEG or PNG (starts with {string.Join(' ', bytes.Take(4).Select(b => $"0x{b:X2}"))})");
        var (width, height, error) = ImageHeader.Parse(bytes, complete: true);
        if (error is not null && error.Contains("megapixel limit", StringComparison.Ordinal))
            throw new RequestProblem(StatusCodes.Status413PayloadTooLarge, "Image too large", $"{name}: {error}");
        if (error is not null) throw new RequestProblem(StatusCodes.Status422UnprocessableEntity, "Unreadable image", $"{name}: {error}");
        if ((long)width * height > options.MaxPixels)
            throw new RequestProblem(StatusCodes.Status413PayloadTooLarge, "Image too large",
                Invariant($"{name}: {width}x{height} is {(long)width * height} pixels; the limit is {options.MaxPixels} (GenderMLWebOptions.MaxPixels)"));
        try
        {
            var image = Image.Load(bytes, name, new ImageLoadOptions { MaxMegapixels = options.MaxPixels / 1e6, Format = PixelFormat.Rgb24 });
            return new Upload(name, image);
        }
        catch (ImageLoadException e)
        {
            throw new RequestProblem(StatusCodes.Status422UnprocessableEntity, "Unreadable image", $"{name}: {e.Reason}");
        }
    }

    /// <summary>The client's file name without any folder part or control characters, at most 100 characters.</summary>
    private static string SafeName(string? fileName)
    {
        string name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c))]);
        if (name.Length > 100) name = name[..100];
        return name.Length == 0 ? "file" : name;
    }

    private static RequestProblem TooLarge(GenderMLWebOptions options) => new(StatusCodes.Status413PayloadTooLarge, "Body too large",
        Invariant($"the request body exceeds {options.MaxBodyBytes} bytes (GenderMLWebOptions.MaxBodyBytes)"));

    private static RequestProblem Unsupported(string detail) => new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
