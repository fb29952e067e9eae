using System.Globalization;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>Rooms through the real headless process on a real hub: every line names its window, and the rooms file brings a client back into its rooms.</summary>
public sealed class HeadlessRoomTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Room_lines_name_their_room_plain_lines_go_to_the_room_joined_last_and_a_kick_is_one_line_saying_who_and_why()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp bob = AppUnderTest.StartClient(port, "Bob", "Alice");
        using RunningApp carol = AppUnderTest.StartClient(port, "Carol", "Alice");

        bob.WriteLine("/join #dev");
        bob.WaitForOutput("[#dev] [*] you are in #dev", s_wait);
        carol.WriteLine("/join #dev");
        bob.WaitForOutput("[#dev] [*] Carol joined", s_wait);
        bob.WriteLine("hello dev");
        carol.WaitForOutput("[#dev] [Bob]: hello dev", s_wait);
        server.WriteLine("hello lobby");
        carol.WaitForOutput("[#lobby] [Alice:operator]: hello lobby", s_wait);
        carol.WriteLine("/window 2");
        carol.WaitForError("[#dev] [!] /window: headless mode has no windows", s_wait);

        bob.WriteLine("/kick Carol off topic");
        carol.WaitForOutput("[*] Bob kicked you from #dev: off topic", s_wait);
        bob.WaitForOutput("[#dev] [*] Bob kicked Carol from #dev: off topic", s_wait);
        carol.WriteLine("back in the lobby");
        bob.WaitForOutput("[#lobby] [Carol]: back in the lobby", s_wait);

        foreach (RunningApp app in new[] { bob, carol })
        {
            app.WriteLine("exit");
            app.WaitForExit(s_wait).ShouldBe(0);
        }

        output.WriteLine(carol.Output + carol.Error);
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void A_restarted_client_enters_again_the_rooms_it_was_in_on_that_server()
    {
        int port = AppUnderTest.FreePort();
        string dir = AppUnderTest.NewConfigDir();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        string[] client = ["--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", "Bob", "--config-dir", dir];
        using (RunningApp bob = AppUnderTest.Start(client))
        {
            bob.WaitForOutput("[*] Alice is the server's operator", s_wait);
            bob.WriteLine("/join #dev");
            bob.WriteLine("/join #ops");
            bob.WaitForOutput("[#ops] [*] you are in #ops", s_wait);
            bob.WriteLine("/part #ops");
            bob.WaitForOutput("[*] you left #ops", s_wait);
            bob.WriteLine("exit");
            bob.WaitForExit(s_wait).ShouldBe(0);
        }

        File.ReadAllText(Path.Combine(dir, "rooms")).ShouldContain(" #dev\n");
        using RunningApp again = AppUnderTest.Start(client);
        again.WaitForOutput("[#dev] [*] you are in #dev", s_wait);
        again.WriteLine("exit");
        again.WaitForExit(s_wait).ShouldBe(0);
        again.Output.ShouldNotContain("[#ops]");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }
}
