using GenderML.Cli;
using GenderML.Tests.Cli;
using GenderML.Tests.FaceApi;

namespace GenderML.Tests.Transfer;

/// <summary><c>genderml train --model transfer-resnet --fine-tune</c> end to end on the ten golden faces, and its usage errors (in-process, console captured).</summary>
[Collection("Console")]
public sealed class FineTuneCliTests : IDisposable
{
    private readonly TransferFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Theory]
    [InlineData("Transfer-xception-fine-tune", "--model", "transfer-xception", "--fine-tune")]
    [InlineData("options-without-flag", "--model", "transfer-resnet", "--fine-tune-epochs", "2")]
    [InlineData("bad-flips", "--model", "transfer-resnet", "--fine-tune", "--fine-tune-flips", "sideways")]
    [InlineData("mlp-head", "--model", "transfer-resnet", "--fine-tune", "--head", "mlp")]
    public void BadFineTuneOptions_AreUsageErrors(string name, params string[] args)
    {
        var (code, _, err) = Run(["train", "--data", _fixture.Data, "--out", Path.Combine(_fixture.Root, name + ".zip"), .. args]);
        Assert.Equal(2, code);
        Assert.Contains("fine-tune", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad-readout", "--resnet-features", "--model", "transfer", "--resnet-features", "pixels")]
    [InlineData("xception-readout", "--resnet-features", "--model", "transfer-xception", "--resnet-features", "stages")]
    [InlineData("fine-tune-readout", "--resnet-features", "--model", "transfer-resnet", "--fine-tune", "--resnet-features", "descriptor")]
    [InlineData("fine-tune-mirror", "--fine-tune-flips", "--model", "transfer-resnet", "--fine-tune", "--no-mirror")]
    [InlineData("anchored-resnet", "--head anchored", "--model", "transfer-resnet", "--head", "anchored")]
    [InlineData("anchored-c", "--anchor-penalty", "--model", "transfer", "--c", "0.1")]
    [InlineData("penalty-logreg", "--head anchored", "--model", "transfer-fusion", "--anchor-penalty", "0.1")]
    [InlineData("suspects-both", "--keep-suspects", "--model", "transfer", "--exclude-suspects", "--keep-suspects")]
    [InlineData("stress-pixels", "--exclude-suspects", "--model", "cnn2", "--exclude-suspects")]
    public void BadTransferReadoutOptions_AreUsageErrors(string name, string named, params string[] args)
    {
        var (code, _, err) = Run(["train", "--data", _fixture.Data, "--out", Path.Combine(_fixture.Root, name + ".zip"), .. args]);
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100")]
    [InlineData("0")]
    public void CanonicalDetectorSize_OutsideMultiplesOf32_IsAUsageError(string size)
    {
        var (code, _, err) = Run(["train", "--data", _fixture.Data, "--out", Path.Combine(_fixture.Root, "d" + size + ".zip"), "--model", "transfer", "--canonical-detector", size]);
        Assert.Equal(2, code);
        Assert.Contains("--canonical-detector", err, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainFineTune_ThenEvaluate_Runs()
    {
        string model = Path.Combine(_fixture.Root, "ft.zip");
        var (code, stdout, stderr) = Run("train", "--model", "transfer-resnet", "--fine-tune", "--fine-tune-epochs", "1", "--fine-tune-batch", "4",
            "--data", _fixture.Data, "--out", model, "--cache", _fixture.Cache, "--threads", "2", "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Contains("fineTune", stderr, StringComparison.Ordinal);
        Assert.Contains("transfer", stdout, StringComparison.Ordinal);
        (code, stdout, stderr) = Run("evaluate", "--model", model, "--data", _fixture.Data, "--cache", _fixture.Cache, "--threads", "2", "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains("\"accuracy\"", stdout, StringComparison.Ordinal);
        Assert.Contains("prefixes: 10 from the cache", stderr, StringComparison.Ordinal);
    }
}
