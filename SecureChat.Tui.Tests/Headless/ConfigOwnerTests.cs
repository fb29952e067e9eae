using System.Diagnostics;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// A config directory, or a file in it, owned by another account is refused as ssh refuses such a <c>~/.ssh</c>:
/// whoever owns it can plant a pin that makes an impostor known. Real <c>--headless</c> processes; the tests run as
/// root, so they can hand a directory to another uid (65534, nobody).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConfigOwnerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_config_directory_owned_by_another_user_with_a_planted_pin_is_refused_with_one_line()
    {
        Assert.SkipUnless(Environment.UserName == "root", "handing a directory to another uid needs root");
        int port = AppUnderTest.FreePort();
        using RunningApp impostor = AppUnderTest.StartServer(port, "Alice", "--config-dir", AppUnderTest.NewConfigDir());

        // The other account learns the impostor's key (any first contact pins it) and plants that pin in a 0755
        // directory of its own, which the victim then uses.
        string scratch = AppUnderTest.NewConfigDir();
        Connect(port, scratch).ShouldContain("(new)");
        string planted = AppUnderTest.NewConfigDir();
        Directory.CreateDirectory(planted);
        File.Copy(Path.Combine(scratch, "known_servers"), Path.Combine(planted, "known_servers"));
        File.SetUnixFileMode(planted, (UnixFileMode)0b111_101_101);
        Run("chown", "-R", "65534:65534", planted);

        using RunningApp victim = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob", "--config-dir", planted);
        victim.WriteLine("exit");
        int code = victim.WaitForExit(s_wait);
        output.WriteLine($"exit code {code}; output: {victim.Output.Trim()}; error: {victim.Error.Trim()}");
        victim.Output.ShouldNotContain("(known)");
        code.ShouldBe(1);
        string[] lines = victim.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, victim.Error);
        lines[0].ShouldContain(planted);
        lines[0].ShouldContain("owned by another user");
        impostor.WriteLine("exit");
        impostor.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void A_pin_file_owned_by_another_user_in_ones_own_directory_is_refused_with_one_line()
    {
        Assert.SkipUnless(Environment.UserName == "root", "handing a file to another uid needs root");
        string config = AppUnderTest.NewConfigDir();
        using (RunningApp first = AppUnderTest.Start("--server", "--port", "0", "--headless", "--config-dir", config))
        {
            first.WaitForOutput("[*] Waiting for client connection...", s_wait);
            first.WriteLine("exit");
            first.WaitForExit(s_wait).ShouldBe(0);
        }

        string pins = Path.Combine(config, "known_servers");
        File.WriteAllText(pins, "# planted\n");
        File.SetUnixFileMode(pins, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Run("chown", "65534:65534", pins);
        using RunningApp refused = AppUnderTest.Start("--client", "localhost", AppUnderTest.FreePort().ToString(), "--headless", "--config-dir", config);
        refused.WaitForExit(s_wait).ShouldBe(1, refused.Error);
        string[] lines = refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, refused.Error);
        lines[0].ShouldContain(pins);
        lines[0].ShouldContain("owned by another user");
    }

    private static string Connect(int port, string config)
    {
        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob", "--config-dir", config);
        client.WaitForOutput("Peer identity of", s_wait);
        client.WriteLine("exit");
        client.WaitForExit(s_wait).ShouldBe(0, client.Error);
        return client.Output;
    }

    private static void Run(string file, params string[] args)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, process.StandardError.ReadToEnd());
    }
}
