using System.Reflection;
using System.Runtime.Loader;
using GenderML.Imaging;

namespace GenderML.Imaging.Tests;

public sealed class NativeLoadingTests
{
    /// <summary>
    /// Regression: the resolver used to be marked installed before it was, so a second thread could reach a
    /// native call first and fail with DllNotFoundException. Each round loads a fresh copy of the assembly (a new
    /// resolver to install) and makes 8 threads decode at the same moment. The race window was microseconds, so
    /// this is a smoke test of concurrent first use; the fix (registration under a lock) is correct by construction.
    /// </summary>
    [Fact]
    public void First_use_from_many_threads_at_once_finds_the_libraries()
    {
        byte[] jpeg = File.ReadAllBytes(Fixtures.PathOf("q95_420.jpg"));
        byte[] png = File.ReadAllBytes(Fixtures.PathOf("rgb.png"));
        for (int round = 0; round < 10; round++)
        {
            var context = new AssemblyLoadContext($"imaging-{round}", isCollectible: true);
            try
            {
                Assembly fresh = context.LoadFromAssemblyPath(typeof(Image).Assembly.Location);
                MethodInfo load = fresh.GetType("GenderML.Imaging.Image")!.GetMethod("Load", [typeof(byte[]), fresh.GetType("GenderML.Imaging.ImageLoadOptions")!])!;
                using var start = new Barrier(8);
                var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
                var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
                {
                    start.SignalAndWait();
                    try
                    {
                        load.Invoke(null, [t % 2 == 0 ? jpeg : png, null]);
                    }
                    catch (TargetInvocationException e)
                    {
                        errors.Add(e.InnerException!);
                    }
                })).ToArray();
                foreach (Thread t in threads) t.Start();
                foreach (Thread t in threads) t.Join();
                Assert.Empty(errors);
            }
            finally
            {
                context.Unload();
            }
        }
    }
}
