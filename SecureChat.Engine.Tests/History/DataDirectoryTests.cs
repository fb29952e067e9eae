using System.Runtime.Versioning;
using SecureChat.Engine.History;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.History;

[UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_data_directory_is_the_explicit_path_else_xdg_data_home_else_home_local_share()
    {
        DataDirectory.Resolve("/srv/data", Env(("XDG_DATA_HOME", "/x"), ("HOME", "/home/u"))).ShouldBe("/srv/data");
        DataDirectory.Resolve(null, Env(("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/u"))).ShouldBe("/x/data/securechat");
        DataDirectory.Resolve(null, Env(("XDG_DATA_HOME", "relative"), ("HOME", "/home/u"))).ShouldBe("/home/u/.local/share/securechat");
        DataDirectory.Resolve(null, Env(("XDG_DATA_HOME", ""), ("HOME", "/home/u"))).ShouldBe("/home/u/.local/share/securechat");
        DataDirectory.Resolve(null, Env(("HOME", "/home/u"))).ShouldBe("/home/u/.local/share/securechat");
        Should.Throw<HistoryException>(() => DataDirectory.Resolve(null, Env())).Message.ShouldContain("--data-dir");
    }

    [Fact]
    public void A_new_data_directory_is_private_and_one_other_users_can_write_is_refused()
    {
        using var root = new TempDirectory();
        string created = DataDirectory.OpenPath(root.Combine("a", "securechat"));
        File.GetUnixFileMode(created).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        string open = root.Combine("open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);
        HistoryException e = Should.Throw<HistoryException>(() => DataDirectory.OpenPath(open));
        e.Failure.ShouldBe(HistoryFailure.DirectoryUnusable);
        e.Message.ShouldContain("chmod 700");
    }
}
