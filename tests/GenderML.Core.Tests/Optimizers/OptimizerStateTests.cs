using GenderML.Core.Optimizers;

namespace GenderML.Core.Tests.Optimizers;

public sealed class OptimizerStateTests
{
    private static Parameter[] MakeParameters()
    {
        var random = new Random(3);
        Tensor Random(params int[] shape)
        {
            var t = new Tensor(shape);
            for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(random.NextDouble() * 2 - 1);
            return t;
        }
        return [new("conv.weight", Random(8, 3, 3)), new("conv.bias", Random(8)), new("head.weight", Random(1, 40))];
    }

    private static void FillGradients(Parameter[] parameters, int step)
    {
        foreach (Parameter p in parameters)
            for (int i = 0; i < p.Gradient.Length; i++)
                p.Gradient.Data[i] = MathF.Sin(step * 0.7f + i * 0.37f + p.Name.Length);
    }

    public static TheoryData<string> Kinds => ["sgd", "nesterov", "adam", "adamw"];

    private static Optimizer Create(string kind, Parameter[] parameters) => kind switch
    {
        "sgd" => new Sgd(parameters, new SgdOptions(0.1, WeightDecay: 0.01)),
        "nesterov" => new Sgd(parameters, new SgdOptions(0.05, 0.9, Nesterov: true, WeightDecay: 0.01)),
        "adam" => new Adam(parameters, new AdamOptions(0.01, WeightDecay: 0.01)),
        _ => new AdamW(parameters, new AdamOptions(0.01, WeightDecay: 0.01)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Resuming_from_exported_state_is_bit_identical(string kind)
    {
        var straight = MakeParameters();
        var straightOptimizer = Create(kind, straight);
        for (int step = 0; step < 10; step++) { FillGradients(straight, step); straightOptimizer.Step(); }

        var first = MakeParameters();
        var firstOptimizer = Create(kind, first);
        for (int step = 0; step < 5; step++) { FillGradients(first, step); firstOptimizer.Step(); }
        var state = firstOptimizer.ExportState();
        var resumed = first.Select(p => new Parameter(p.Name, p.Value.Clone())).ToArray();
        var resumedOptimizer = Create(kind, resumed);
        resumedOptimizer.ImportState(state);
        for (int step = 5; step < 10; step++) { FillGradients(resumed, step); resumedOptimizer.Step(); }

        for (int i = 0; i < straight.Length; i++) Assert.Equal(straight[i].Value.Data, resumed[i].Value.Data);
    }

    [Fact]
    public void State_survives_a_safetensors_file_bit_identically()
    {
        var parameters = MakeParameters();
        var adam = new AdamW(parameters, new AdamOptions(0.01, WeightDecay: 0.1));
        for (int step = 0; step < 4; step++) { FillGradients(parameters, step); adam.Step(); }
        var stream = new MemoryStream();
        GenderML.Core.Serialization.SafeTensors.Save(stream, adam.ExportState());
        stream.Position = 0;

        var restored = new AdamW(parameters.Select(p => new Parameter(p.Name, p.Value.Clone())).ToArray(), new AdamOptions(0.01, WeightDecay: 0.1));
        restored.ImportState(GenderML.Core.Serialization.SafeTensors.Load(stream).Tensors);

        var original = adam.ExportState();
        foreach (var (name, tensor) in restored.ExportState()) Assert.Equal(original[name].Data, tensor.Data);
    }

    [Fact]
    public void Exported_state_names_and_step_counts()
    {
        var parameters = MakeParameters();
        var adam = new Adam(parameters, new AdamOptions());
        for (int step = 0; step < 3; step++) { FillGradients(parameters, step); adam.Step(); }
        var state = adam.ExportState();
        Assert.Equal(9, state.Count);
        Assert.True(state["conv.weight.exp_avg"].HasShape(8, 3, 3));
        Assert.True(state["conv.weight.exp_avg_sq"].HasShape(8, 3, 3));
        Assert.Equal([0f, 3f], state["head.weight.step"].Data);
        Assert.Empty(new Sgd(parameters, new SgdOptions()).ExportState());
        Assert.Equal(["conv.bias.momentum_buffer", "conv.weight.momentum_buffer", "head.weight.momentum_buffer"],
            new Sgd(parameters, new SgdOptions(Momentum: 0.9)).ExportState().Keys.Order());
    }

    [Fact]
    public void Import_names_every_mismatch_and_changes_nothing()
    {
        var parameters = MakeParameters();
        var adam = new Adam(parameters, new AdamOptions());
        FillGradients(parameters, 0);
        adam.Step();
        var before = adam.ExportState();
        var bad = adam.ExportState();
        bad.Remove("conv.bias.exp_avg");
        bad["head.weight.exp_avg_sq"] = new Tensor(40, 1);
        bad["extra"] = new Tensor(2);
        bad["conv.weight.exp_avg"].Data[0] = 123f;

        var error = Assert.Throws<InvalidDataException>(() => adam.ImportState(bad));

        Assert.Contains("missing 'conv.bias.exp_avg' (expected shape [8])", error.Message);
        Assert.Contains("'head.weight.exp_avg_sq' has shape [40, 1], expected [1, 40]", error.Message);
        Assert.Contains("unexpected 'extra' (shape [2])", error.Message);
        Assert.Equal(before["conv.weight.exp_avg"].Data, adam.ExportState()["conv.weight.exp_avg"].Data);
    }

    [Fact]
    public void Frozen_parameters_are_left_alone_and_start_their_own_step_count()
    {
        var parameters = MakeParameters();
        parameters[1].Trainable = false;
        var frozenBefore = (float[])parameters[1].Value.Data.Clone();
        var adam = new Adam(parameters, new AdamOptions(0.01));
        for (int step = 0; step < 3; step++) { FillGradients(parameters, step); adam.Step(); }
        Assert.Equal(frozenBefore, parameters[1].Value.Data);
        Assert.Equal([0f, 0f], adam.ExportState()["conv.bias.step"].Data);

        // Unfrozen, its first update is a fresh Adam step: about −η·sign(g).
        parameters[1].Trainable = true;
        FillGradients(parameters, 3);
        adam.Step();
        for (int i = 0; i < frozenBefore.Length; i++)
            Assert.Equal(frozenBefore[i] - 0.01f * MathF.Sign(parameters[1].Gradient.Data[i]), parameters[1].Value.Data[i], 1e-5f);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_allocates_nothing(string kind)
    {
        var parameters = MakeParameters();
        var optimizer = Create(kind, parameters);
        FillGradients(parameters, 0);
        optimizer.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) optimizer.Step();
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Bad_options_and_duplicate_names_are_rejected()
    {
        var p = MakeParameters();
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(p, new SgdOptions(Momentum: 1)));
        Assert.Throws<ArgumentException>(() => new Sgd(p, new SgdOptions(Nesterov: true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(p, new AdamOptions(Beta2: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(p, new AdamOptions(-1)));
        var error = Assert.Throws<ArgumentException>(() => new Adam([p[0], new Parameter("conv.weight", new Tensor(1))], new AdamOptions()));
        Assert.Contains("'conv.weight' appears twice", error.Message);
    }
}
