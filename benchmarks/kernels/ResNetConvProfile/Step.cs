using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Networks;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;
/// <summary>The whole training step of resnet18-64-rgb, and its Adam step and forward pass alone.</summary>
internal static class Step
{
    public static void Run(int threads, Func<Action, double, (double, double)> measure)
    {
        var net = ResNet.ResNet18(3, 1, new Random(1));
        net.SetCompute(new ComputeOptions { Threads = threads });
        var opt = new Adam(net.Parameters(), new AdamOptions(LearningRate: 1e-4));
        var step = new BinaryTrainingStep(net, opt);
        var x = new Tensor(64, 3, 64, 64); var r = new Random(2);
        for (int i = 0; i < x.Length; i++) x.Data[i] = r.NextSingle();
        var y = new float[64]; for (int i = 0; i < 64; i++) y[i] = i % 2;
        var (w, c) = measure(() => step.Run(x, y), 3);
        Console.WriteLine($"step {threads}t: wall {w:F1} ms cpu {c:F1}");
        var (w2, c2) = measure(() => opt.Step(), 1);
        var (w3, c3) = measure(() => opt.ZeroGradients(), 1);
        Console.WriteLine($"adam step wall {w2:F2} cpu {c2:F2}; zero grads wall {w3:F2} cpu {c3:F2}");
        net.SetTraining(true);
        var (w4, c4) = measure(() => net.Forward(x), 2);
        Console.WriteLine($"forward wall {w4:F1} cpu {c4:F1}");
    }
}
