using System.Globalization;

namespace GenderML.Batch;

/// <summary>What one part file of a task holds.</summary>
/// <param name="Name">The part file's name in the output folder.</param>
/// <param name="Images">Rows (one per image).</param>
/// <param name="Faces">Faces found across its images.</param>
/// <param name="Failures">Images whose status is not <see cref="BatchRow.Ok"/>.</param>
/// <param name="Seconds">Seconds the part took (0 for a part a previous run completed).</param>
/// <param name="Resumed">True when a previous run had written the part and it was kept.</param>
public sealed record BatchPartSummary(string Name, int Images, int Faces, int Failures, double Seconds, bool Resumed)
{
    /// <summary>One line: name, images, faces, failures and images per second (or that it was kept).</summary>
    public override string ToString() => Resumed
        ? string.Create(CultureInfo.InvariantCulture, $"{Name}: complete from an earlier run ({Images} images, {Faces} faces, {Failures} failures), kept")
        : string.Create(CultureInfo.InvariantCulture, $"{Name}: {Images} images, {Faces} faces, {Failures} failures, {Images / Math.Max(Seconds, 1e-9):F1} images/s");
}
