using System.Runtime.InteropServices;

namespace GenderML.Core.Kernels;

/// <summary>
/// A per-thread, 64-byte aligned native buffer that only grows, so hot kernels need no allocation
/// once warmed up. Each thread owns its own slots; a slot is valid until the next call for that slot.
/// </summary>
internal static unsafe class NativeScratch
{
    /// <summary>Slots per thread. Slots 0–7 serve the kernels; 8 and 9 serve the backward kernels that rearrange the
    /// weights (and collect a part of ∂X) for a forward call they make, which may use any of 0–7.</summary>
    public const int SlotCount = 10;

    [ThreadStatic] private static Buffers? t_buffers;

    /// <summary>At least <paramref name="floats"/> floats of 64-byte aligned scratch in slot <paramref name="slot"/> of this thread.</summary>
    public static float* Get(int slot, long floats)
    {
        var buffers = t_buffers ??= new Buffers();
        if (buffers.Capacity[slot] < floats)
        {
            if (buffers.Pointers[slot] != null) NativeMemory.AlignedFree(buffers.Pointers[slot]);
            long capacity = Math.Max(floats, buffers.Capacity[slot] * 3 / 2);
            capacity = (capacity + 15) & ~15L;
            buffers.Pointers[slot] = (float*)NativeMemory.AlignedAlloc((nuint)(capacity * sizeof(float)), 64);
            buffers.Capacity[slot] = capacity;
        }
        return buffers.Pointers[slot];
    }

    private sealed class Buffers
    {
        public readonly float*[] Pointers = new float*[SlotCount];
        public readonly long[] Capacity = new long[SlotCount];

        ~Buffers()
        {
            for (int i = 0; i < SlotCount; i++)
                if (Pointers[i] != null) NativeMemory.AlignedFree(Pointers[i]);
        }
    }
}
