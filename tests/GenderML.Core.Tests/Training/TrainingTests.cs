using GenderML.Core;
using GenderML.Core.Layers;
using GenderML.Core.Networks;
using GenderML.Core.Optimizers;
using GenderML.Core.Training;

namespace GenderML.Core.Tests.Training;

/// <summary>Whole networks training: they learn, they are deterministic across thread counts, and a warmed-up step allocates nothing.</summary>
public sealed class TrainingTests
{
    private static Sequential TinyCnn(int seed)
    {
        var random = new Random(seed);
        return new Sequential(
            new Conv2d(1, 6, 3, random, padding: ConvPadding.Symmetric(1)), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 8, 3, random), new ReLU(), new GlobalAvgPool(),
            new Dense(8, 1, random));
    }

    [Fact]
    public void SmallCnnLearnsBarsToNinetyNinePercent()
    {
        var (train, trainLabels) = SyntheticBars.Make(512, 12, seed: 1);
        var (test, testLabels) = SyntheticBars.Make(400, 12, seed: 2);
        var net = TinyCnn(3);
        var step = new BinaryTrainingStep(net, new Adam(net.Parameters(), new AdamOptions(LearningRate: 0.01)));
        const int batch = 32;
        for (int epoch = 0; epoch < 8; epoch++)
            for (int b = 0; b < train.Dim(0) / batch; b++)
                step.Run(SyntheticBars.Slice(train, b * batch, batch), trainLabels.AsSpan(b * batch, batch));
        Assert.True(Accuracy(net, test, testLabels) >= 0.99, $"accuracy {Accuracy(net, test, testLabels):P1}");
    }

    [Fact]
    public void GruReadingRowsLearnsBarsToNinetyNinePercent()
    {
        var (train, trainLabels) = SyntheticBars.Make(512, 8, seed: 1);
        var (test, testLabels) = SyntheticBars.Make(400, 8, seed: 2);
        var random = new Random(4);
        var net = new Sequential(new Gru(8, 16, random), new Dense(16, 1, random));
        var step = new BinaryTrainingStep(net, new Adam(net.Parameters(), new AdamOptions(LearningRate: 0.02)));
        const int batch = 32;
        var rows = train.Reshape(512, 8, 8);
        for (int epoch = 0; epoch < 15; epoch++)
            for (int b = 0; b < 512 / batch; b++)
                step.Run(SyntheticBars.Slice(rows, b * batch, batch), trainLabels.AsSpan(b * batch, batch));
        Assert.True(Accuracy(net, test.Reshape(400, 8, 8), testLabels) >= 0.99, $"accuracy {Accuracy(net, test.Reshape(400, 8, 8), testLabels):P1}");
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsOnOneAndTwoThreads()
    {
        float[][] Train(int threads)
        {
            var net = SmallCnn.Create(1, 22, new Random(5));
            net.SetCompute(new ComputeOptions { Threads = threads });
            var step = new BinaryTrainingStep(net, new Adam(net.Parameters(), new AdamOptions(LearningRate: 1e-3)));
            var (x, y) = SyntheticBars.Make(24, 22, seed: 6);
            for (int i = 0; i < 4; i++) step.Run(x, y);
            return net.State().Select(p => (float[])p.Value.Data.Clone()).ToArray();
        }
        var one = Train(1);
        var two = Train(2);
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++) Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"tensor {i} differs");
    }

    [Fact]
    public void OneOptimizerPerTensor_TrainsTheSameBits_AsOneOverAll_AndBeforeUpdateRunsEachStep()
    {
        float[][] Train(bool split)
        {
            var net = TinyCnn(5);
            net.SetCompute(ComputeOptions.SingleThreaded);
            var parameters = net.Parameters();
            Optimizer[] optimizers = split
                ? [.. parameters.Select(p => new Adam([p], new AdamOptions(LearningRate: 1e-2)))]
                : [new Adam(parameters, new AdamOptions(LearningRate: 1e-2))];
            int updates = 0;
            var step = new BinaryTrainingStep(net, optimizers) { BeforeUpdate = () => updates++ };
            var (x, y) = SyntheticBars.Make(16, 12, seed: 6);
            for (int i = 0; i < 3; i++) step.Run(x, y);
            Assert.Equal(3, updates);
            Assert.Equal(16, step.Logits!.Length);
            return net.State().Select(p => (float[])p.Value.Data.Clone()).ToArray();
        }
        var one = Train(false);
        var each = Train(true);
        for (int i = 0; i < one.Length; i++) Assert.True(one[i].AsSpan().SequenceEqual(each[i]), $"tensor {i} differs");
    }

    [Fact]
    public void WarmedUpTrainingStepAllocatesNothing()
    {
        var net = TinyCnn(7);
        net.SetCompute(ComputeOptions.SingleThreaded);
        var step = new BinaryTrainingStep(net, new Adam(net.Parameters(), new AdamOptions()));
        var (x, y) = SyntheticBars.Make(16, 12, seed: 8);
        for (int i = 0; i < 3; i++) step.Run(x, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) step.Run(x, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WarmedUpResNetAndGruStepsAllocateNothing()
    {
        var resnet = ResNet.ResNet18(3, 1, new Random(1));
        resnet.SetCompute(ComputeOptions.SingleThreaded);
        var step = new BinaryTrainingStep(resnet, new Adam(resnet.Parameters(), new AdamOptions()));
        var x = new Tensor(2, 3, 32, 32);
        float[] y = [0f, 1f];
        step.Run(x, y); step.Run(x, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        step.Run(x, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        var gru = new Sequential(new Gru(4, 5, new Random(1)), new Dense(5, 1, new Random(2)));
        var gstep = new BinaryTrainingStep(gru, new Adam(gru.Parameters(), new AdamOptions()));
        var seq = new Tensor(2, 3, 4);
        gstep.Run(seq, y); gstep.Run(seq, y);
        before = GC.GetAllocatedBytesForCurrentThread();
        gstep.Run(seq, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static double Accuracy(Layer net, Tensor images, float[] labels)
    {
        net.SetTraining(false);
        var logits = net.Forward(images);
        int right = 0;
        for (int i = 0; i < labels.Length; i++) if ((logits.Data[i] > 0 ? 1f : 0f) == labels[i]) right++;
        net.SetTraining(true);
        return right / (double)labels.Length;
    }
}
