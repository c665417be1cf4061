/// <summary>The ready age/gender net's accuracy on a folder with female/ and male/ subfolders of face crops.</summary>
internal static class AccuracyBench
{
    public static void Run(string models, string data, int threads, int limit)
        => throw new NotSupportedException("needs Image.Load for JPEG (imaging branch)");
}
