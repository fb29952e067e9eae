using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>The lines about a room's end-to-end encrypted group, through the real headless processes on a real hub.</summary>
public sealed partial class EncryptionLineTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_member_added_to_a_rooms_group_is_one_line_with_its_identity_fingerprint_and_who_added_it()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp bob = AppUnderTest.StartClient(port, "Bob", "Alice");
        server.WaitForOutput("[*] Peer identity of Bob: ", s_wait);
        string bobIdentity = IdentityOf(server.Output, "Bob");

        server.WaitForOutput($"[#lobby] [*] encryption: Bob (identity {bobIdentity}) was added by you", s_wait);

        using RunningApp carol = AppUnderTest.StartClient(port, "Carol", "Alice");
        server.WaitForOutput("[*] Peer identity of Carol: ", s_wait);
        string carolIdentity = IdentityOf(server.Output, "Carol");
        bob.WaitForOutput($"[#lobby] [*] encryption: Carol (identity {carolIdentity}) was added by ", s_wait);
        output.WriteLine(bob.Output);

        foreach (RunningApp app in new[] { bob, carol })
        {
            app.WriteLine("exit");
            app.WaitForExit(s_wait).ShouldBe(0);
        }

        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    private static string IdentityOf(string text, string name) =>
        IdentityLine().Matches(text).Single(m => m.Groups["name"].Value == name).Groups["fp"].Value;

    [GeneratedRegex(@"Peer identity of (?<name>\w+): (?<fp>[0-9A-F]{4}(?: [0-9A-F]{4}){7})")]
    private static partial Regex IdentityLine();
}
