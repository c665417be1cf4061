using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace GenderML.Tests.Api;

/// <summary>
/// The CLI is a surface over the public API. GenderML lets it see internals only so that <c>bench engine</c> can time
/// the networks themselves; this test keeps every other use out.
/// </summary>
public sealed class CliSurfaceTests
{
    /// <summary>
    /// The internal types of GenderML that the CLI may name: those <c>bench engine</c> (src/GenderML.Cli/Bench*.cs)
    /// times. Any other command that needs an internal wants a public entry point instead.
    /// </summary>
    private static readonly HashSet<string> BenchOnly =
        ["GenderML.FaceApi.FaceRecognitionNet", "GenderML.Classifiers.NetworkSpec", "GenderML.Transfer.FineTuneNetwork"];

    [Fact]
    public void TheCli_NamesNoInternalOfGenderML_ButWhatBenchTimes()
    {
        var library = typeof(IGenderClassifier).Assembly;
        string cli = Path.Combine(AppContext.BaseDirectory, "GenderML.Cli.dll");
        using var pe = new PEReader(File.OpenRead(cli));
        var md = pe.GetMetadataReader();

        var internals = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.TypeReferences)
        {
            string? name = FromLibrary(md, handle);
            if (name is null) continue;
            var type = library.GetType(name);
            if (type is not null && !type.IsVisible && !BenchOnly.Contains(name)) internals.Add(name);
        }
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            string? owner = FromLibrary(md, (TypeReferenceHandle)member.Parent);
            if (owner is null || BenchOnly.Contains(owner) || library.GetType(owner) is not { IsVisible: true } type)
                continue;
            string name = md.GetString(member.Name);
            const BindingFlags all = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static;
            bool isPublic = name == ".ctor" ? type.GetConstructors().Length > 0 : type.GetMember(name, all).Length > 0;
            if (!isPublic) internals.Add(owner + "." + name);
        }

        Assert.True(internals.Count == 0, "the CLI uses internals of GenderML (make a public entry point, or, for "
            + "bench engine only, list the type in CliSurfaceTests.BenchOnly): " + string.Join(", ", internals));
    }

    /// <summary>The full name of a type the CLI references in the GenderML assembly; null for other assemblies.</summary>
    private static string? FromLibrary(MetadataReader md, TypeReferenceHandle handle)
    {
        var reference = md.GetTypeReference(handle);
        if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            string? outer = FromLibrary(md, (TypeReferenceHandle)reference.ResolutionScope);
            return outer is null ? null : outer + "+" + md.GetString(reference.Name);
        }
        if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference) return null;
        var assembly = md.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope);
        if (md.GetString(assembly.Name) != "GenderML") return null;
        string ns = md.GetString(reference.Namespace);
        return ns.Length == 0 ? md.GetString(reference.Name) : ns + "." + md.GetString(reference.Name);
    }
}
