namespace GenderML.Tests.Cli;

/// <summary><c>genderml serve</c>'s refusals: one line on standard error and exit code 2, before anything listens.</summary>
[Collection("Console")]
public sealed class ServeCommandTests
{
    [Fact]
    public void MissingModelFile_IsOneLineAndExitCode2()
    {
        var (code, _, err) = CliRunner.Run("serve", "--model", "no-such-model.zip", "--port", "0");
        Assert.Equal(2, code);
        Assert.Equal("genderml serve: no-such-model.zip: no such model file", err.Trim());
    }

    [Fact]
    public void BadAbstainBand_IsAUsageError()
    {
        var (code, _, err) = CliRunner.Run("serve", "--model", "pretrained", "--port", "0", "--abstain", "0.7-0.2");
        Assert.Equal(2, code);
        Assert.StartsWith("genderml serve: --abstain:", err.Trim());
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void MissingApiKeyFile_IsOneLineAndExitCode2()
    {
        var (code, _, err) = CliRunner.Run("serve", "--model", "pretrained", "--port", "0", "--api-key-file", "no-such-key.txt");
        Assert.Equal(2, code);
        Assert.Equal("genderml serve: no-such-key.txt: no such API key file", err.Trim());
    }
}
