using System.Reflection;
using System.Runtime.InteropServices;

namespace GenderML.Imaging.Native;

/// <summary>
/// Finds the native codecs (libturbojpeg, libpng) under the names each platform uses, and turns a
/// missing library into a message that says which package to install.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>The name the <c>LibraryImport</c> declarations use for TurboJPEG.</summary>
    public const string TurboJpegName = "genderml-turbojpeg";

    /// <summary>The name the <c>LibraryImport</c> declarations use for libpng.</summary>
    public const string PngName = "genderml-png16";

    internal static readonly string[] TurboJpegCandidates =
        ["libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "libturbojpeg.dylib", "turbojpeg.dll", "turbojpeg"];

    internal static readonly string[] PngCandidates =
        ["libpng16.so.16", "libpng16.so", "libpng16.16.dylib", "libpng16.dylib", "libpng16.dll", "png16"];

    internal const string TurboJpegHint = "install libturbojpeg0 (Debian/Ubuntu), libjpeg-turbo (Fedora), jpeg-turbo (Homebrew) or libjpeg-turbo (vcpkg)";
    internal const string PngHint = "install libpng16-16 (Debian/Ubuntu; libpng16-16t64 on newer releases), libpng (Fedora/Homebrew/vcpkg)";

    private static readonly Lazy<IntPtr> TurboJpegHandle = new(() => LoadFirst(TurboJpegCandidates, TurboJpegHint));
    private static readonly Lazy<IntPtr> PngHandle = new(() => LoadFirst(PngCandidates, PngHint));
    private static readonly Lock RegistrationLock = new();
    private static volatile bool registered;

    /// <summary>
    /// Installs the resolver for this assembly once; call before the first native call. Every caller returns only
    /// after the resolver is in place (a thread arriving while another installs it waits on the lock), so no
    /// thread can reach a native call and fall back to default probing.
    /// </summary>
    public static void EnsureRegistered()
    {
        if (registered)
            return;
        lock (RegistrationLock)
        {
            if (registered)
                return;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
            registered = true;
        }
    }

    /// <summary>Loads TurboJPEG now, throwing the install hint if it is missing.</summary>
    public static void RequireTurboJpeg()
    {
        EnsureRegistered();
        _ = TurboJpegHandle.Value;
    }

    /// <summary>Loads libpng now, throwing the install hint if it is missing.</summary>
    public static void RequirePng()
    {
        EnsureRegistered();
        _ = PngHandle.Value;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        TurboJpegName => TurboJpegHandle.Value,
        PngName => PngHandle.Value,
        _ => IntPtr.Zero,
    };

    /// <summary>The first of <paramref name="candidates"/> that loads.</summary>
    /// <exception cref="DllNotFoundException">None loads; the message names the library and the package to install.</exception>
    internal static IntPtr LoadFirst(string[] candidates, string hint)
    {
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, typeof(NativeLibraries).Assembly, null, out IntPtr handle))
                return handle;
        }
        throw new DllNotFoundException($"{candidates[0]} not found — {hint} (tried {string.Join(", ", candidates)})");
    }
}
