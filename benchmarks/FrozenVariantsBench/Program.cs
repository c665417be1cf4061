// Frozen face-ResNet features + logistic regression, variant by variant, on the shared data (docs/BENCHMARKS-finetune.md).
// Usage: FrozenVariantsBench --data DIR --cache DIR --models DIR [--all]     (prefix-cache variants; --all adds the first table's)
//        FrozenVariantsBench --data DIR --models DIR --images FEATURES.bin  (read-outs at several depths, from the images; MultiScale.cs)
// Reads (or computes into) the fine-tuning prefix cache with canonical crops (margin 0.1) for train, test and test
// reframed ×0.7, plain and mirrored; runs the pretrained last stage to the 256 pooled features and the 128-d
// descriptor; fits L-BFGS logistic regression (C of best log-loss on the trainer's stratified 10% split, seed 1) per
// variant and prints test accuracy plain and reframed.
using GenderML;
using GenderML.Core;
using GenderML.Data;
using GenderML.Evaluation;
using GenderML.FaceApi;
using GenderML.Linear;
using GenderML.Transfer;

string data = "", cache = "", models = "", images = "";
bool everything = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data": data = args[++i]; break;
        case "--cache": cache = args[++i]; break;
        case "--models": models = args[++i]; break;
        case "--all": everything = true; break;
        case "--images": images = args[++i]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 1;
    }
}
if (images.Length > 0)
{
    MultiScale.Run(data, models, images);
    return 0;
}
var all = Dataset.Load(data, GenderLabels.Options);
var split = all.Subset(SplitNames.Train).SplitStratified(new SplitFractions(0.9, 0.1, 0), 1);
var weights = TfjsWeights.Load(models, "face_recognition_model");
var runner = new PrefixRunner(models, weights, GenderML.FaceFraming.Canonical(0.1, GenderML.FaceFraming.DefaultDetectorSize, models, Environment.ProcessorCount), Environment.ProcessorCount);
var net = FineTuneNetwork.Pretrained(weights);
net.SetCompute(Environment.ProcessorCount);
var fc = weights.Get("fc", 256, 128).Floats!;
var tr = Feats(split.Subset(SplitNames.Train), null);
var va = Feats(split.Subset(SplitNames.Validation), null);
var te = Feats(all.Subset(SplitNames.Test), null);
var t7 = Feats(all.Subset(SplitNames.Test), 0.7);
int[] y2 = [.. tr.Y, .. tr.Y];
if (everything)
{
    Run("desc128 (today's transfer)", 128, tr.D, tr.Y, va.D, te.D, t7.D);
    Run("desc128, mirror rows in training, test mean logit", 128, [.. tr.D, .. tr.DM], y2, va.D, te.D, t7.D, va.DM, te.DM, t7.DM);
    Run("desc128 averaged with the mirror's", 128, Avg(tr.D, tr.DM), tr.Y, Avg(va.D, va.DM), Avg(te.D, te.DM), Avg(t7.D, t7.DM));
    Run("desc128 concatenated with the mirror's", 256, Cat(tr.D, tr.DM, 128), tr.Y, Cat(va.D, va.DM, 128), Cat(te.D, te.DM, 128), Cat(t7.D, t7.DM, 128));
    Run("pooled256", 256, tr.P, tr.Y, va.P, te.P, t7.P);
    Run("pooled256 averaged with the mirror's", 256, Avg(tr.P, tr.PM), tr.Y, Avg(va.P, va.PM), Avg(te.P, te.PM), Avg(t7.P, t7.PM));
}
Run("pooled256, mirror rows in training, test mean logit", 256, [.. tr.P, .. tr.PM], y2, va.P, te.P, t7.P, va.PM, te.PM, t7.PM);
// Spatial and multi-layer read-outs of the same frozen network (F: 256×2×2 final map; M: conv256_2's 256×4×4
// pooled to 2×2; Q: the prefix 128×8×8 pooled to 2×2; G: the prefix's global mean).
Run("final map 256x2x2 (1024), mirror rows + test mean logit", 1024, [.. tr.F, .. tr.FM], y2, va.F, te.F, t7.F, va.FM, te.FM, t7.FM);
Run("conv256_2 map pooled 2x2 (1024), mirror rows + test mean logit", 1024, [.. tr.M, .. tr.MM], y2, va.M, te.M, t7.M, va.MM, te.MM, t7.MM);
Run("pooled256 + prefix global mean 128 (384), mirrors", 384, [.. Cat2(tr.P, 256, tr.G, 128), .. Cat2(tr.PM, 256, tr.GM, 128)], y2,
    Cat2(va.P, 256, va.G, 128), Cat2(te.P, 256, te.G, 128), Cat2(t7.P, 256, t7.G, 128), Cat2(va.PM, 256, va.GM, 128), Cat2(te.PM, 256, te.GM, 128), Cat2(t7.PM, 256, t7.GM, 128));
Run("final 1024 + conv256_2 2x2 1024 + prefix 2x2 512 (2560), mirrors", 2560, [.. Cat3(tr.F, tr.M, tr.Q), .. Cat3(tr.FM, tr.MM, tr.QM)], y2,
    Cat3(va.F, va.M, va.Q), Cat3(te.F, te.M, te.Q), Cat3(t7.F, t7.M, t7.Q), Cat3(va.FM, va.MM, va.QM), Cat3(te.FM, te.MM, te.QM), Cat3(t7.FM, t7.MM, t7.QM));
return 0;

Feat Feats(Dataset d, double? reframe)
{
    var errors = new string?[d.Items.Count];
    var (p, m) = runner.RunFiles([.. d.Items.Select(i => i.Path)], cache, reframe is { } f ? new InputDistortion(f, null) : null, true, errors, out _, CancellationToken.None);
    var ok = Enumerable.Range(0, p.Length).Where(i => errors[i] is null).ToArray();
    var a = Maps([.. ok.Select(i => p[i]!)]);
    var b = Maps([.. ok.Select(i => m![i]!)]);
    return new Feat(a.P, b.P, Desc(a.P), Desc(b.P), a.F, b.F, a.M, b.M, a.Q, b.Q, a.G, b.G, [.. ok.Select(i => d.Items[i].Label)]);
}

// P pooled 256, F final 256x2x2, M conv256_2 256x4x4 pooled 2x2, Q prefix 128x8x8 pooled 2x2, G prefix mean 128.
(float[] P, float[] F, float[] M, float[] Q, float[] G) Maps(IReadOnlyList<Half[]> rows)
{
    int n = rows.Count;
    float[] P = new float[n * 256], F = new float[n * 1024], M = new float[n * 1024], Q = new float[n * 512], G = new float[n * 128];
    int[] all = [.. Enumerable.Range(0, n)];
    for (int start = 0; start < n; start += 128)
    {
        int b = Math.Min(128, n - start);
        var x = FineTuneNetwork.Batch(rows, all.AsSpan(start, b));
        Pool(x.Data, b, 128, 8, 2, Q.AsSpan(start * 512));
        Pool(x.Data, b, 128, 8, 1, G.AsSpan(start * 128));
        var layers = net.Stage.Layers;
        var h = x;
        for (int l = 0; l < 3; l++) h = layers[l].Forward(h);
        Pool(h.Data, b, 256, 4, 2, M.AsSpan(start * 1024));
        h = layers[3].Forward(h);
        h.Data.AsSpan(0, b * 1024).CopyTo(F.AsSpan(start * 1024));
        Pool(h.Data, b, 256, 2, 1, P.AsSpan(start * 256));
    }
    return (P, F, M, Q, G);
}

static void Pool(float[] x, int n, int c, int side, int cells, Span<float> dst)
{
    int cell = side / cells;
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int cy = 0; cy < cells; cy++)
                for (int cx = 0; cx < cells; cx++)
                {
                    double sum = 0;
                    for (int yy = 0; yy < cell; yy++)
                        for (int xx = 0; xx < cell; xx++)
                            sum += x[((i * c + ch) * side + cy * cell + yy) * side + cx * cell + xx];
                    dst[((i * c + ch) * cells + cy) * cells + cx] = (float)(sum / (cell * cell));
                }
}

static float[] Cat2(float[] a, int da, float[] b, int db)
{
    int n = a.Length / da;
    var r = new float[n * (da + db)];
    for (int i = 0; i < n; i++)
    {
        a.AsSpan(i * da, da).CopyTo(r.AsSpan(i * (da + db)));
        b.AsSpan(i * db, db).CopyTo(r.AsSpan(i * (da + db) + da));
    }
    return r;
}

static float[] Cat3(float[] f, float[] m, float[] q) => Cat2(Cat2(f, 1024, m, 1024), 2048, q, 512);

float[] Desc(float[] pooled)
{
    int n = pooled.Length / 256;
    var d = new float[n * 128];
    GenderML.Core.Kernels.Gemm.Multiply(false, false, n, 128, 256, pooled, 256, fc, 128, d, 128, false, new ComputeOptions { Threads = Environment.ProcessorCount });
    return d;
}

static float[] Avg(float[] a, float[] b) => [.. a.Zip(b, (u, v) => 0.5f * (u + v))];

static float[] Cat(float[] a, float[] b, int d)
{
    int n = a.Length / d;
    var r = new float[n * 2 * d];
    for (int i = 0; i < n; i++)
    {
        a.AsSpan(i * d, d).CopyTo(r.AsSpan(2 * i * d));
        b.AsSpan(i * d, d).CopyTo(r.AsSpan(2 * i * d + d));
    }
    return r;
}

void Run(string name, int d, float[] xtr, int[] ytr, float[] xva, float[] xte, float[] xte7, float[]? xvaAlt = null, float[]? xteAlt = null, float[]? xte7Alt = null) =>
    MultiScale.Fit(name, d, d > 512 ? [0.001, 0.003, 0.01, 0.03] : [0.01, 0.1, 1.0], xtr, ytr, xva, va.Y, xte, te.Y, xte7, xvaAlt, xteAlt, xte7Alt);

record Feat(float[] P, float[] PM, float[] D, float[] DM, float[] F, float[] FM, float[] M, float[] MM, float[] Q, float[] QM, float[] G, float[] GM, int[] Y);
