using System.Globalization;

namespace GenderML.Batch;

/// <summary>
/// One shard of a job split <see cref="Count"/> ways: the images at positions
/// <c>[Index * n / Count, (Index + 1) * n / Count)</c> of the sorted input list of <c>n</c> images.
/// </summary>
/// <param name="Index">The shard's number, from 0.</param>
/// <param name="Count">How many shards the job has.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole job as one shard (<c>0/1</c>).</summary>
    public static Shard Whole => new(0, 1);

    /// <summary>Parses <c>i/N</c> (0 ≤ i &lt; N).</summary>
    /// <exception cref="FormatException">The text is not <c>i/N</c> with 0 ≤ i &lt; N.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && i < n)
            return new Shard(i, n);
        throw new FormatException($"shard '{text}' is not i/N with 0 <= i < N (e.g. 0/4)");
    }

    /// <summary>
    /// The shard a cluster's task runs: Slurm's <c>SLURM_ARRAY_TASK_ID</c> of <paramref name="count"/>, or of
    /// <c>SLURM_ARRAY_TASK_COUNT</c> without it (an array <c>0-(N-1)</c>); or Kubernetes' <c>JOB_COMPLETION_INDEX</c> of
    /// <paramref name="count"/> (an Indexed Job does not pass its completions to the pod). A task resubmitted alone
    /// (<c>sbatch --array=K</c>) is an array of one, so it needs <paramref name="count"/>.
    /// </summary>
    /// <param name="environment">The task's environment variables.</param>
    /// <param name="count">The number of shards (null: Slurm's array size).</param>
    /// <exception cref="FormatException">Neither scheduler's variables are set, or they are not numbers in range.</exception>
    public static Shard FromEnvironment(IReadOnlyDictionary<string, string> environment, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.TryGetValue("SLURM_ARRAY_TASK_ID", out string? id))
        {
            int n = count ?? (environment.TryGetValue("SLURM_ARRAY_TASK_COUNT", out string? c)
                ? Number(c, "SLURM_ARRAY_TASK_COUNT")
                : throw new FormatException("SLURM_ARRAY_TASK_COUNT is not set; give the shard count"));
            return Checked(Number(id, "SLURM_ARRAY_TASK_ID"), n,
                count is null ? "SLURM_ARRAY_TASK_ID (of SLURM_ARRAY_TASK_COUNT; a task resubmitted alone needs the shard count)" : "SLURM_ARRAY_TASK_ID");
        }
        if (environment.TryGetValue("JOB_COMPLETION_INDEX", out string? index))
        {
            if (count is not { } n) throw new FormatException("JOB_COMPLETION_INDEX is set but not the shard count: give it (the Job's completions)");
            return Checked(Number(index, "JOB_COMPLETION_INDEX"), n, "JOB_COMPLETION_INDEX");
        }
        throw new FormatException("neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set");
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>The first position and the number of images of this shard in a sorted list of <paramref name="total"/>.</summary>
    internal (int Start, int Length) Range(int total)
    {
        int start = (int)((long)Index * total / Count), end = (int)((long)(Index + 1) * total / Count);
        return (start, end - start);
    }

    private static Shard Checked(int index, int count, string variable) =>
        count >= 1 && index >= 0 && index < count ? new Shard(index, count)
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{variable} gives shard {index} of {count}: out of range"));

    private static int Number(string text, string variable) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
            : throw new FormatException($"{variable}='{text}' is not a number");
}
