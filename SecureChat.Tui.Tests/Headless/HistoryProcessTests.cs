using System.Globalization;
using System.Security.Cryptography;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// The history through the real headless process on a real hub, each instance with its own config and data
/// directories: lines kept across a restart and found by /search, a wrong history passphrase, --no-history,
/// /export and /history clear.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HistoryProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_restarted_client_finds_with_search_the_lines_of_its_room_it_kept_before_its_own_and_others()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        string[] client = Client(port, AppUnderTest.NewConfigDir());
        using (RunningApp bob = Started(client))
        {
            bob.WriteLine("the launch code is tangerine");
            server.WaitForOutput("[#lobby] [Bob]: the launch code is tangerine", s_wait);
            server.WriteLine("noted, tangerine it is");
            bob.WaitForOutput("[#lobby] [Alice:operator]: noted, tangerine it is", s_wait);
            Quit(bob);
        }

        File.Exists(Path.Combine(AppUnderTest.DataDirOf(client), "history.db")).ShouldBeTrue();
        using RunningApp again = Started(client);
        again.WriteLine("/search tangerine");
        again.WaitForOutput("2 kept lines holding \"tangerine\", newest first:", s_wait);
        again.WaitForOutput("<Alice> noted, tangerine it is", s_wait);
        again.WaitForOutput("<Bob> the launch code is tangerine", s_wait);
        again.Output.IndexOf("<Alice> noted", StringComparison.Ordinal).ShouldBeLessThan(again.Output.IndexOf("<Bob> the launch", StringComparison.Ordinal));
        again.WriteLine("/search grapefruit");
        again.WaitForOutput("no kept line holds \"grapefruit\"", s_wait);
        Quit(again);
        Quit(server);
    }

    [Fact]
    public void A_wrong_history_passphrase_is_one_clear_line_the_history_is_left_as_it_was_and_the_chat_goes_on()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        string config = AppUnderTest.NewConfigDir();
        string right = Path.Combine(config, "..", Path.GetFileName(config) + ".right");
        string wrong = Path.Combine(config, "..", Path.GetFileName(config) + ".wrong");
        File.WriteAllText(right, "correct horse battery staple\n");
        File.WriteAllText(wrong, "correct horse battery stapler\n");
        string[] client = Client(port, config);
        using (RunningApp bob = Started([.. client, "--history-passphrase-file", right]))
        {
            bob.WriteLine("kept under a passphrase");
            server.WaitForOutput("[#lobby] [Bob]: kept under a passphrase", s_wait);
            Quit(bob);
        }

        string database = Path.Combine(AppUnderTest.DataDirOf(client), "history.db");
        byte[] before = SHA256.HashData(File.ReadAllBytes(database));
        using (RunningApp refused = Started([.. client, "--history-passphrase-file", wrong]))
        {
            refused.WaitForError($"wrong history passphrase: the history {database} was not opened; nothing was changed; running without history", s_wait);
            refused.WriteLine("said without history");
            server.WaitForOutput("[#lobby] [Bob]: said without history", s_wait);
            refused.WriteLine("/search passphrase");
            refused.WaitForError("wrong history passphrase", s_wait);
            Quit(refused);
            refused.Error.Split('\n').Count(l => l.Contains("wrong history passphrase", StringComparison.Ordinal)).ShouldBe(2);
        }

        SHA256.HashData(File.ReadAllBytes(database)).ShouldBe(before);
        using RunningApp opened = Started([.. client, "--history-passphrase-file", right]);
        opened.WriteLine("/search passphrase");
        opened.WaitForOutput("<Bob> kept under a passphrase", s_wait);
        Quit(opened);
        opened.Output.ShouldNotContain("said without history");
        Quit(server);
    }

    [Fact]
    public void With_no_history_no_database_file_is_made_and_the_history_commands_say_so()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        string config = AppUnderTest.NewConfigDir();
        string[] client = [.. Client(port, config), "--no-history"];

        // The default data directory of this client alone (XDG_DATA_HOME), not the one every test's instance shares.
        string dataHome = Directory.CreateTempSubdirectory("securechat-data-home-").FullName;
        using (RunningApp bob = AppUnderTest.Ready(AppUnderTest.StartWithDataHome(dataHome, client), "[*] Alice is the server's operator"))
        {
            bob.WriteLine("not kept anywhere");
            server.WaitForOutput("[#lobby] [Bob]: not kept anywhere", s_wait);
            bob.WriteLine("/search kept");
            bob.WaitForError("no history is kept in this run (--no-history)", s_wait);
            Quit(bob);
        }

        Directory.Exists(AppUnderTest.DataDirOf(client)).ShouldBeFalse();
        Directory.Exists(Path.Combine(dataHome, "securechat")).ShouldBeFalse();
        Directory.Delete(dataHome, recursive: true);
        File.Exists(Path.Combine(config, "history.key")).ShouldBeFalse();
        Quit(server);
    }

    [Fact]
    public void Export_writes_the_rooms_kept_lines_to_a_new_file_and_history_clear_deletes_them()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        string config = AppUnderTest.NewConfigDir();
        string log = config + ".lobby.txt";
        using RunningApp bob = Started(Client(port, config));
        bob.WriteLine("first line for the log");
        server.WaitForOutput("[#lobby] [Bob]: first line for the log", s_wait);
        server.WriteLine("second line for the log");
        bob.WaitForOutput("[#lobby] [Alice:operator]: second line for the log", s_wait);

        bob.WriteLine($"/export #lobby {log}");
        bob.WaitForOutput($"exported 2 lines of #lobby to {log}", s_wait);
        string[] lines = File.ReadAllLines(log);
        output.WriteLine(string.Join('\n', lines));
        lines.Length.ShouldBe(2);
        lines[0].ShouldEndWith("<Bob> first line for the log");
        lines[1].ShouldEndWith("<Alice> second line for the log");
        DateTimeOffset.TryParseExact(lines[0][..26], "yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out _).ShouldBeTrue();
        File.GetUnixFileMode(log).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        bob.WriteLine($"/export #lobby {log}");
        bob.WaitForError("exists: refusing to replace it", s_wait);

        bob.WriteLine("/history clear #lobby");
        bob.WaitForOutput("history of #lobby cleared: 2 kept lines deleted", s_wait);
        bob.WriteLine("/search line");
        bob.WaitForOutput("no kept line holds \"line\"", s_wait);
        Quit(bob);
        Quit(server);
    }

    [Fact]
    public void A_damaged_history_is_one_clear_line_the_file_is_kept_aside_and_the_next_start_keeps_a_new_history()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        string[] client = Client(port, AppUnderTest.NewConfigDir());
        string data = AppUnderTest.DataDirOf(client);
        Directory.CreateDirectory(data);
        string database = Path.Combine(data, "history.db");
        byte[] garbage = new byte[8192];
        Random.Shared.NextBytes(garbage);
        File.WriteAllBytes(database, garbage);
        using (RunningApp bob = Started(client))
        {
            bob.WaitForError($"the history {database} is damaged", s_wait);
            bob.WriteLine("said while the history was damaged");
            server.WaitForOutput("[#lobby] [Bob]: said while the history was damaged", s_wait);
            Quit(bob);
            bob.Error.Split('\n').Count(l => l.Contains("is damaged", StringComparison.Ordinal)).ShouldBe(1);
        }

        string aside = Directory.GetFiles(data, "history.db.damaged-*").ShouldHaveSingleItem();
        File.ReadAllBytes(aside).ShouldBe(garbage);
        using RunningApp again = Started(client);
        again.WriteLine("kept in the new history");
        server.WaitForOutput("[#lobby] [Bob]: kept in the new history", s_wait);
        again.WriteLine("/search new history");
        again.WaitForOutput("<Bob> kept in the new history", s_wait);
        Quit(again);
        Quit(server);
    }

    private static string[] Client(int port, string config) =>
        ["--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", "Bob", "--config-dir", config];

    /// <summary>A client started and in #lobby's group, so that what it says is delivered.</summary>
    private static RunningApp Started(string[] args) => AppUnderTest.Ready(AppUnderTest.Start(args), "[*] Alice is the server's operator");

    private static void Quit(RunningApp app)
    {
        app.WriteLine("exit");
        app.WaitForExit(s_wait).ShouldBe(0);
    }
}
