using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SecureChat.Engine.Crypto;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// Verifying fellow members through real headless processes on a real hub: the safety number both see, the trust
/// words of the members file, and messages held while a name comes with another identity.
/// </summary>
public sealed partial class MemberTrustProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Two_clients_on_one_hub_show_the_same_safety_number_made_from_their_two_identities()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        (RunningApp bob, string bobDir) = StartClient(port, "Bob");
        (RunningApp carol, string carolDir) = StartClient(port, "Carol", json: true);
        using (bob)
        using (carol)
        {
            bob.WaitForOutput("[#lobby] [*] Carol joined", s_wait);
            bob.WriteLine("/names");
            bob.WaitForOutput(": new", s_wait);

            carol.WaitForOutput("\"event\":\"entered\"", s_wait); // Carol's client knows the room's members
            bob.WriteLine("/verify Carol");
            carol.WriteLine("/verify Bob");
            bob.WaitForOutput("Carol's identity", s_wait);
            carol.WaitForOutput("Bob's identity", s_wait);
            string seenByBob = Number(bob.Output, "Carol");
            string seenByCarol = Number(carol.Output, "Bob");
            output.WriteLine($"Bob sees:   {seenByBob}\nCarol sees: {seenByCarol}");

            seenByBob.ShouldBe(seenByCarol);
            carol.Output.ShouldContain($"\"event\":\"safety_number\"");
            carol.Output.ShouldContain($"\"name\":\"Bob\",\"number\":\"{seenByCarol}\"");
            seenByBob.ShouldBe(SafetyNumber.Of(DigestIn(bobDir), DigestIn(carolDir)));
            bob.WriteLine("/names");
            bob.WaitForOutput("(relayed; the server vouches for it): verified", s_wait);
            File.ReadAllText(Path.Combine(bobDir, "members")).ShouldContain(" Carol " + Convert.ToBase64String(DigestIn(carolDir)) + " verified ");

            foreach (RunningApp app in new[] { bob, carol })
            {
                app.WriteLine("exit");
                app.WaitForExit(s_wait).ShouldBe(0);
            }
        }

        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void A_name_taken_over_by_another_identity_is_warned_about_and_holds_messages_until_accepted()
    {
        // A hub that has lost its names file (or lies) lets another identity take a name someone else had: the hub's
        // own identity is kept, so the clients still recognise the server, and only their members file can tell.
        int port = AppUnderTest.FreePort();
        string hubDir = AppUnderTest.NewConfigDir();
        string[] hub = ["--server", "--port", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", "Alice", "--config-dir", hubDir];
        RunningApp server = AppUnderTest.Ready(AppUnderTest.Start(hub), "[*] Waiting for client connection...");
        (RunningApp bob, string bobDir) = StartClient(port, "Bob");
        using (bob)
        {
            (RunningApp carol, _) = StartClient(port, "Carol");
            using (carol)
            {
                bob.WaitForOutput("[#lobby] [*] Carol joined", s_wait);
                carol.WriteLine("exit");
                carol.WaitForExit(s_wait).ShouldBe(0);
            }

            bob.WriteLine("exit");
            bob.WaitForExit(s_wait).ShouldBe(0);
        }

        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
        server.Dispose();
        File.Delete(Path.Combine(hubDir, "names"));
        using RunningApp restarted = AppUnderTest.Ready(AppUnderTest.Start(hub), "[*] Waiting for client connection...");

        (RunningApp mallory, _) = StartClient(port, "Carol");
        using (mallory)
        {
            (RunningApp again, _) = StartClient(port, "Bob", bobDir);
            using (again)
            {
                again.WaitForError("[!] WARNING: Carol now comes with another identity", s_wait);
                again.WriteLine("first");
                again.WriteLine("second");
                again.WaitForOutput("held, not sent until you /accept Carol (another identity than the one pinned): second", s_wait);
                mallory.WriteLine("are you there?");
                again.WaitForOutput("[#lobby] [Carol]: are you there?", s_wait);
                mallory.Output.ShouldNotContain("[Bob]: first");

                again.WriteLine("/accept Carol");
                mallory.WaitForOutput("[#lobby] [Bob]: second", s_wait);
                mallory.Output.IndexOf("[Bob]: first", StringComparison.Ordinal).ShouldBeInRange(0, mallory.Output.IndexOf("[Bob]: second", StringComparison.Ordinal));
                output.WriteLine(again.Output + again.Error);

                foreach (RunningApp app in new[] { again, mallory })
                {
                    app.WriteLine("exit");
                    app.WaitForExit(s_wait).ShouldBe(0);
                }
            }
        }

        restarted.WriteLine("exit");
        restarted.WaitForExit(s_wait).ShouldBe(0);
    }

    private static (RunningApp App, string Dir) StartClient(int port, string name, string? dir = null, bool json = false)
    {
        dir ??= AppUnderTest.NewConfigDir();
        string[] args = ["--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", name, "--config-dir", dir];
        RunningApp app = AppUnderTest.Ready(
            AppUnderTest.Start(json ? [.. args, "--json"] : args),
            json ? "\"event\":\"operator\"" : "[*] Alice is the server's operator");
        return (app, dir);
    }

    private static string Number(string output, string name) =>
        SafetyNumberLine().Matches(output).Single(m => m.Groups[1].Value == name).Groups[2].Value;

    /// <summary>The identity digest of the key in a config directory's identity.pub (<c>ed25519 BASE64</c>).</summary>
    private static byte[] DigestIn(string dir)
    {
        string line = File.ReadAllLines(Path.Combine(dir, "identity.pub")).Single(l => l.StartsWith("ed25519 ", StringComparison.Ordinal));
        return SHA256.HashData(Convert.FromBase64String(line["ed25519 ".Length..].Trim()));
    }

    [GeneratedRegex(@"safety number of you and (\w+): ((?:\d{5} ){11}\d{5})")]
    private static partial Regex SafetyNumberLine();
}
