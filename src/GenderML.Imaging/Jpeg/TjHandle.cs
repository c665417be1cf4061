using GenderML.Imaging.Native;

namespace GenderML.Imaging.Jpeg;

/// <summary>Owns a TurboJPEG handle and destroys it when collected (i.e. after its thread ends).</summary>
internal sealed class TjHandle : IDisposable
{
    private TjHandle(IntPtr ptr) => Ptr = ptr;

    ~TjHandle() => Release();

    /// <summary>The native handle.</summary>
    public IntPtr Ptr { get; private set; }

    /// <summary>Destroys the handle now.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (Ptr != IntPtr.Zero)
            TurboJpeg.Destroy(Ptr);
        Ptr = IntPtr.Zero;
    }

    /// <summary>A new decompressor.</summary>
    public static TjHandle CreateDecompressor()
    {
        NativeLibraries.RequireTurboJpeg();
        IntPtr ptr = TurboJpeg.InitDecompress();
        return ptr == IntPtr.Zero ? throw new OutOfMemoryException("tjInitDecompress failed") : new TjHandle(ptr);
    }

    /// <summary>A new compressor.</summary>
    public static TjHandle CreateCompressor()
    {
        NativeLibraries.RequireTurboJpeg();
        IntPtr ptr = TurboJpeg.InitCompress();
        return ptr == IntPtr.Zero ? throw new OutOfMemoryException("tjInitCompress failed") : new TjHandle(ptr);
    }
}
