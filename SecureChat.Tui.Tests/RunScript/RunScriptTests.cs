using System.Diagnostics;
using System.Reflection.PortableExecutable;
using SecureChat.TestSupport;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.RunScript;

/// <summary>
/// run.sh as a user runs it: arguments pass through, the app's error reaches the terminal, its exit code comes
/// back, and a second run does not rebuild.
/// </summary>
public sealed class RunScriptTests
{
    [Fact]
    public void Run_sh_passes_arguments_through_and_forwards_the_apps_error_and_exit_code_without_rebuilding_twice()
    {
        string script = Path.Combine(RepositoryRoot(), "run.sh");
        File.Exists(script).ShouldBeTrue();

        (int firstCode, _, _) = Run(script, "--help", "--config-dir", AppUnderTest.NewConfigDir());
        firstCode.ShouldBe(0);

        (int code, string output, string error) = Run(script, "--no-such-option", "--config-dir", AppUnderTest.NewConfigDir());
        code.ShouldBe(2);
        error.ShouldContain("securechat: unknown option --no-such-option");
        error.ShouldNotContain("building", Case.Insensitive, "nothing changed since the first run");

        (int refused, _, string refusedError) = Run(script, "--client", "localhost", "1", "--headless", "--config-dir", AppUnderTest.NewConfigDir());
        refused.ShouldBe(1);
        refusedError.ShouldContain("could not connect to localhost:1: connection refused");
        output.ShouldBeEmpty();
    }

    [Fact]
    public void Run_sh_starts_the_app_compiled_ahead_of_time_for_this_machine()
    {
        string root = RepositoryRoot();
        (int code, _, _) = Run(Path.Combine(root, "run.sh"), "--help", "--config-dir", AppUnderTest.NewConfigDir());
        code.ShouldBe(0);

        // A ReadyToRun image carries native code beside its IL, announced by the managed native header.
        string dll = Path.Combine(root, "SecureChat.Tui", "bin", "Release", "net10.0", "run", "SecureChat.Tui.dll");
        using var reader = new PEReader(File.OpenRead(dll));
        reader.PEHeaders.CorHeader.ShouldNotBeNull();
        reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size.ShouldBeGreaterThan(0, "the app run.sh starts is ReadyToRun code");
    }

    private static (int Code, string Output, string Error) Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("DisableRealDriverIO");

        // The app runs in an empty home. A build that run.sh may start restores into that home, and finds the
        // packages this test run already restored through a read-only fallback folder, so it writes nothing outside.
        string restored = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        IsolatedHome.Apply(info.Environment);
        info.Environment["NUGET_PACKAGES"] = Path.Combine(IsolatedHome.Path, ".nuget", "packages");
        info.Environment["NUGET_FALLBACK_PACKAGES"] = restored;
        using Process process = Process.Start(info)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new ShouldAssertException("run.sh did not finish within 5 minutes");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecureChat.Tui.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
