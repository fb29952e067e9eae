using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests;

/// <summary>
/// The test assembly's entry point: what xunit.v3 generates (the Microsoft Testing Platform when asked for it, else
/// the console runner), except that a <see cref="ServerProcess"/>, <see cref="StarvedClientProcess"/> or
/// <see cref="Hub.Store.StoreFloodProcess"/> child runs its server, client or store flood instead.
/// </summary>
internal static class Program
{
    /// <summary>
    /// The thread pool's worker minimum in the test host: it starts with one worker per core and, once they are all
    /// busy, adds about one every half second. At suite start several classes at once start servers and clients
    /// whose handshakes run PBKDF2 and Diffie-Hellman on pool threads, while harness code waits synchronously, so a
    /// work item could wait over a second for a thread, and an honest client's handshake step could miss the
    /// server's 5 s step deadline. Measured with a probe queueing a work item every 50 ms during the first 90 s of
    /// the Adversarial tests on a loaded two-core machine: worst wait 1,062 ms (14 seconds with a wait over 500 ms)
    /// with the default, 154 ms (none over 500 ms) with 32. The product's pool and timeouts are unchanged.
    /// </summary>
    private const int MinWorkerThreads = 32;

    public static int Main(string[] args)
    {
        if (ServerProcess.IsAsked)
        {
            return ServerProcess.RunServerAsync().GetAwaiter().GetResult();
        }

        if (StarvedClientProcess.AskedPort is { } port)
        {
            return StarvedClientProcess.RunClient(port);
        }

        if (Hub.Store.StoreFloodProcess.AskedDirectory is { } storeDirectory)
        {
            return Hub.Store.StoreFloodProcess.Run(storeDirectory);
        }

        // Only in the test host: the child processes keep the product's pool (a starved client sets its own).
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, MinWorkerThreads), completionPorts);
        return args.Any(arg => arg is "--server" or "--internal-msbuild-node")
            ? Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework.RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult()
            : Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
