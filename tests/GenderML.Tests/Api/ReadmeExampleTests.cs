using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GenderML.Tests.Api;

/// <summary>
/// The C# examples of README.md and the GenderML package's README compile as written, <c>using</c> lines included, as
/// the program of a new console app (<c>dotnet new console</c>: top-level statements, the SDK's implicit usings)
/// that references the GenderML package.
/// </summary>
public sealed partial class ReadmeExampleTests
{
    /// <summary>The global usings a console project of Microsoft.NET.Sdk gets with ImplicitUsings enabled.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/packages/GenderML.md")]
    [InlineData("docs/packages/GenderML.Onnx.md")]
    public void TheCSharpExample_CompilesAsWritten(string file)
    {
        string text = File.ReadAllText(Path.Combine(Repository.Root, file)).ReplaceLineEndings("\n");
        var blocks = CSharpBlock().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        foreach (string block in blocks)
        {
            var errors = Compile(block);
            Assert.True(errors.Count == 0, $"{file}: its C# example does not compile:\n" + string.Join("\n", errors));
        }
    }

    [Fact]
    public void ACompileError_IsReported() =>
        Assert.NotEmpty(Compile("using GenderML;\nvar m = GenderClassifier.Load(42);"));

    [Fact]
    public void TheReadmeExample_TrainsThePreset() =>
        Assert.Contains("ClassifierPresets.Create(\"cnn3\")",
            File.ReadAllText(Path.Combine(Repository.Root, "README.md")));

    /// <summary>The errors of compiling <paramref name="program"/> as a console app's only file.</summary>
    private static List<string> Compile(string program)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(ImplicitUsings, options, "GlobalUsings.cs"),
            CSharpSyntaxTree.ParseText(program, options, "Program.cs"),
        };
        var compilation = CSharpCompilation.Create("ReadmeExample", trees, References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable));
        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
    }

    /// <summary>
    /// The runtime's assemblies and the GenderML package's (GenderML and the libraries it depends on, and GenderML.Onnx
    /// for its own README), not the tests' or the CLI's: only what an app that references the packages sees.
    /// </summary>
    private static IEnumerable<MetadataReference> References()
    {
        string[] package =
            ["GenderML", "GenderML.Data", "GenderML.Core", "GenderML.Imaging", "GenderML.FaceApi.Models", "GenderML.Onnx"];
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var files = Directory.GetFiles(runtime, "*.dll")
            .Concat(package.Select(name => Path.Combine(AppContext.BaseDirectory, name + ".dll")));
        foreach (string path in files)
        {
            MetadataReference? reference = null;
            try
            {
                reference = MetadataReference.CreateFromFile(path);
            }
            catch (BadImageFormatException)
            {
                // Native libraries in the runtime folder are no references.
            }
            if (reference is not null) yield return reference;
        }
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
