using System.Globalization;
using GenderML.Core.Kernels;

internal static unsafe partial class WinogradBench
{
    /// <summary>The face ResNet's and the other inference networks' stride-1 3×3 layers that F(4×4, 3×3) takes:
    /// F(2×2, 3×3) with its transformed weights cached (as a frozen layer runs it) against F(4×4, 3×3), alternating
    /// rounds, medians, and each one's largest difference from the reference relative to the largest |y|.</summary>
    public static void RunInferenceF4(int[] threadCounts, int rounds)
    {
        Console.WriteLine("| layer | threads | F(2×2) cached CPU ms | F(4×4) CPU ms | speed-up | max rel. error F4 / F2 |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var (name, g) in Layers)
        {
            if (!WinogradF4Convolution.Handles(g) || !WinogradConvolution.Handles(g, cached: true)) continue;
            var (x, w, b, y, expected) = ForwardOperands(g);
            var cache = new PackedWeights();
            fixed (float* px = x, pw = w, pb = b, py = y)
            foreach (int t in threadCounts)
            {
                var f2Ops = new ConvOperands(g, px, pw, pb, py, packed: cache);
                var f4Ops = new ConvOperands(g, px, pw, pb, py, packed: cache);
                Action f2 = () => WinogradConvolution.Forward(f2Ops, t);
                Action f4 = () => WinogradF4Convolution.Forward(f4Ops, t);
                f2();
                double errF2 = RelError(expected, y);
                f4();
                double errF4 = RelError(expected, y);
                var (a, q) = Alternate(f2, f4, rounds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {t} | {a:F3} | {q:F3} | {a / q:F2}× | {errF4:E1} / {errF2:E1} |"));
            }
            GC.KeepAlive(cache);
        }
    }
}
