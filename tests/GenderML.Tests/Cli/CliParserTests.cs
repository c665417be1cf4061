using System.CommandLine;
using GenderML.Cli;

namespace GenderML.Tests.Cli;

/// <summary>The command line's parser: help for every command, the version, typo suggestions and one-line usage
/// errors.</summary>
[Collection("Console")]
public sealed class CliParserTests
{
    /// <summary>Every option train takes, hidden or not before the parser moved to System.CommandLine.</summary>
    private static readonly string[] TrainOptions =
    [
        "--data", "--model", "--out", "--resume", "--curves", "--quiet", "--image-size", "--rgb", "--resize",
            "--frame-faces",
        "--no-frame-faces", "--frame-margin", "--face-models", "--hidden", "--c", "--max-iterations", "--trees",
            "--leaves",
        "--epochs", "--batch", "--lr", "--seed", "--threads", "--cache", "--patience", "--validation", "--no-augment",
            "--zoom",
        "--head", "--canonical-margin", "--canonical-detector", "--detect-faces", "--resnet-features", "--no-mirror",
        "--fine-tune", "--fine-tune-epochs", "--fine-tune-lr", "--fine-tune-head-lr", "--fine-tune-batch",
        "--fine-tune-patience", "--fine-tune-flips",
    ];

    [Fact]
    public void TrainHelp_ListsEveryOption()
    {
        var (code, output, _) = CliRunner.Run("train", "--help");
        Assert.Equal(0, code);
        foreach (string option in TrainOptions) Assert.Contains($"  {option} ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCommandsHelp_ListsEveryOptionAndArgument()
    {
        var commands = new List<(string[] Path, Command Command)>();
        void Walk(Command c, string[] path)
        {
            foreach (var sub in c.Subcommands)
            {
                string[] p = [.. path, sub.Name];
                commands.Add((p, sub));
                Walk(sub, p);
            }
        }
        Walk(CliApp.Root(), []);
        Assert.Contains(commands, c => string.Join(' ', c.Path) == "data screen");
        Assert.Contains(commands, c => string.Join(' ', c.Path) == "bench engine");
        foreach (var (path, command) in commands)
        {
            var (code, output, err) = CliRunner.Run([.. path, "--help"]);
            Assert.True(code == 0, err);
            foreach (var option in command.Options)
            {
                Assert.False(option.Hidden, option.Name);
                Assert.Contains(option.Name, output, StringComparison.Ordinal);
            }
            foreach (var argument in command.Arguments) Assert.Contains(argument.Name, output,
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Version_PrintsTheVersionAndTheCommit()
    {
        var (code, output, _) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^genderml \d+\.\d+\.\d+\S* \(commit [0-9a-f]{7,40}\)\s*$", output);
    }

    [Theory]
    [InlineData("genderml: unknown command 'trian'; did you mean 'train'?", "trian")]
    [InlineData("genderml data: unknown command 'inspct'; did you mean 'inspect'?", "data", "inspct")]
    [InlineData("genderml train: unknown option '--epoch'; did you mean '--epochs'?", "train", "--epoch", "3")]
    public void ATypo_IsAOneLineUsageError_WithASuggestion(string expected, params string[] args)
    {
        var (code, output, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith(expected, err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--epochs", "abc")]
    [InlineData("--lr", "-1")]
    [InlineData("--resize", "sideways")]
    [InlineData("--validation", "1")]
    [InlineData("--image-size", "8")]
    [InlineData("--face-models", "/no/such/folder")]
    public void ABadOptionValue_IsAOneLineUsageError_NamingTheOption(string option, string value)
    {
        var (code, _, err) = CliRunner.Run("train", "--data", "d", "--model", "cnn3", "--out", "m.zip", option, value);
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains(option, err, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingRequiredOption_IsAUsageError()
    {
        var (code, _, err) = CliRunner.Run("train", "--model", "cnn3", "--out", "m.zip");
        Assert.Equal(2, code);
        Assert.Contains("--data", err, StringComparison.Ordinal);
    }

    [Fact]
    public void AFlagThatDoesNotFitTheModel_IsAUsageError()
    {
        var (code, _, err) = CliRunner.Run("train", "--data", "d", "--model", "cnn3", "--out", "m.zip", "--head",
            "mlp");
        Assert.Equal(2, code);
        Assert.Contains("--head is for the transfer models, not cnn3", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("trian", "train")]
    [InlineData("--epoch", "--epochs")]
    [InlineData("--fine-tune-epoch", "--fine-tune-epochs")]
    [InlineData("--zzzz", null)]
    public void Suggest_FindsTheNearestName(string word, string? expected)
    {
        var root = CliApp.Root();
        var command = word.StartsWith('-') ? root.Subcommands.Single(c => c.Name == "train") : root;
        Assert.Equal(expected, CliApp.Suggest(word, command));
    }
}
