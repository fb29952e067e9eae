using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// A <see cref="ChatClient"/> in its own process whose thread pool has exactly one free worker: the pool's maximum is
/// set to the processor count and all workers but one are held blocked. So whatever the engine runs on the pool while
/// the client derives its keys (PBKDF2 holds that one worker) must wait for the derivation: the situation of a client
/// whose cores are busy. The child is this test assembly started again with <c>SECURECHAT_TEST_STARVED_CLIENT</c> set
/// to the server's port: its entry point (Program.cs) connects (failing after 60 s), prints <c>secure</c> or
/// <c>failed REASON</c>, and exits.
/// </summary>
internal static class StarvedClientProcess
{
    private const string Variable = "SECURECHAT_TEST_STARVED_CLIENT";

    /// <summary>Starts the client against <paramref name="port"/> on 127.0.0.1; read its one line from standard output.</summary>
    public static Process Start(int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(StarvedClientProcess).Assembly.Location);
        start.Environment[Variable] = port.ToString(CultureInfo.InvariantCulture);
        IsolatedHome.Apply(start.Environment);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the client process");
    }

    /// <summary>The port to connect to in the child process (the entry point then runs <see cref="RunClient"/>), else null.</summary>
    internal static int? AskedPort =>
        Environment.GetEnvironmentVariable(Variable) is { } port ? int.Parse(port, CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// Runs in the child from the test assembly's entry point (Program.cs), blocking on the main thread; the held
    /// workers run an open delegate to a BCL method.
    /// </summary>
    internal static int RunClient(int port)
    {
        int workers = Environment.ProcessorCount;
        ThreadPool.GetMaxThreads(out _, out int io);
        if (!ThreadPool.SetMaxThreads(workers, io))
        {
            Console.Out.WriteLine("failed could not bound the thread pool");
            return 1;
        }

        using var release = new ManualResetEventSlim();
        var hold = (Action<ManualResetEventSlim>)Delegate.CreateDelegate(
            typeof(Action<ManualResetEventSlim>), typeof(ManualResetEventSlim).GetMethod(nameof(ManualResetEventSlim.Wait), Type.EmptyTypes)!);
        for (int i = 0; i < workers - 1; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(hold, release, preferLocal: false);
        }

        // Held once none of them waits in the queue and that many threads exist.
        var deadline = Stopwatch.StartNew();
        while (ThreadPool.PendingWorkItemCount > 0 || ThreadPool.ThreadCount < workers - 1)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.Out.WriteLine("failed could not hold the workers");
                return 1;
            }

            Thread.Sleep(10);
        }

        try
        {
            var client = new ChatClient(new ChatOptions { Name = "starved", HandshakeTimeout = TimeSpan.FromSeconds(60), MaxIterations = ChatOptions.MaximumIterations }); // a loaded machine, one worker, two long derivations
            try
            {
                if (!client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(60)))
                {
                    Console.Out.WriteLine("failed timed out");
                    return 1;
                }

                Console.Out.WriteLine("secure");
                return 0;
            }
            finally
            {
                client.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(20));
            }
        }
        catch (AggregateException e) when (e.InnerException is ChatConnectionException failure)
        {
            Console.Out.WriteLine("failed " + failure.Message);
            return 1;
        }
        finally
        {
            release.Set();
        }
    }
}
