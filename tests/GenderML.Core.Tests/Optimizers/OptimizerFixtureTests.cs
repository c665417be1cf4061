using System.Text.Json;
using GenderML.Core.Optimizers;

namespace GenderML.Core.Tests.Optimizers;

/// <summary>Five steps of each optimizer against torch.optim on the same values and gradients.</summary>
public sealed class OptimizerFixtureTests
{
    public static TheoryData<string> Cases => new(OptimFixtures.Root.GetProperty("optimizers").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_match_pytorch(string name)
    {
        var fixture = OptimFixtures.Case("optimizers", name);
        var parameters = MakeParameters(fixture);
        Optimizer optimizer = Create(name, fixture.GetProperty("options"), parameters);
        var gradients = fixture.GetProperty("gradients").EnumerateArray().ToArray();
        var after = fixture.GetProperty("after").EnumerateArray().ToArray();

        for (int step = 0; step < gradients.Length; step++)
        {
            foreach (Parameter p in parameters)
                OptimFixtures.Floats(gradients[step].GetProperty(p.Name)).CopyTo(p.Gradient.Data, 0);
            optimizer.Step();
            foreach (Parameter p in parameters)
                OptimFixtures.AssertClose(OptimFixtures.Doubles(after[step].GetProperty(p.Name)), p.Value.Data, $"{name} step {step + 1} {p.Name}");
        }
    }

    internal static Parameter[] MakeParameters(JsonElement fixture) =>
        fixture.GetProperty("shapes").EnumerateObject()
            .Select(s => new Parameter(s.Name, new Tensor(OptimFixtures.Ints(s.Value), OptimFixtures.Floats(fixture.GetProperty("initial").GetProperty(s.Name)))))
            .ToArray();

    internal static Optimizer Create(string name, JsonElement o, IReadOnlyList<Parameter> parameters)
    {
        double Get(string key, double fallback) => o.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        if (name.StartsWith("sgd", StringComparison.Ordinal))
            return new Sgd(parameters, new SgdOptions(Get("lr", 0.01), Get("momentum", 0), o.TryGetProperty("nesterov", out var n) && n.GetBoolean(), Get("weight_decay", 0)));
        var adam = new AdamOptions(Get("lr", 1e-3), Get("beta1", 0.9), Get("beta2", 0.999), Get("eps", 1e-8), Get("weight_decay", 0));
        return name.StartsWith("adamw", StringComparison.Ordinal) ? new AdamW(parameters, adam) : new Adam(parameters, adam);
    }
}
