using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests;

/// <summary>
/// The test assembly's entry point: what xunit.v3 generates (the Microsoft Testing Platform when asked for it, else
/// the console runner), except that a <see cref="ServerProcess"/> or <see cref="StarvedClientProcess"/> child runs
/// its server or client instead.
/// </summary>
internal static class Program
{
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

        return args.Any(arg => arg is "--server" or "--internal-msbuild-node")
            ? Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework.RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult()
            : Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
