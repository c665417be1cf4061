using System.Runtime.CompilerServices;

// The kernel benchmark (benchmarks/KernelBench) sets GemmBlocking.Tuning to compare block sizes.
[assembly: InternalsVisibleTo("KernelBench")]
