using SecureChat.Engine.Hub.Store;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>Where the hub's store goes: --data-dir, else XDG_DATA_HOME, else ~/.local/share.</summary>
public sealed class HubDataDirectoryTests
{
    [Fact]
    public void An_explicit_directory_wins_over_the_environment()
    {
        HubDataDirectory.Resolve("/srv/hub", Env(("XDG_DATA_HOME", "/x"), ("HOME", "/home/u"))).ShouldBe("/srv/hub");
    }

    [Fact]
    public void Without_one_the_store_goes_under_an_absolute_xdg_data_home()
    {
        HubDataDirectory.Resolve(null, Env(("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/u"))).ShouldBe("/x/data/securechat");
    }

    [Fact]
    public void An_empty_or_relative_xdg_data_home_is_ignored_for_the_home_directory()
    {
        HubDataDirectory.Resolve(null, Env(("XDG_DATA_HOME", ""), ("HOME", "/home/u"))).ShouldBe("/home/u/.local/share/securechat");
        HubDataDirectory.Resolve(null, Env(("XDG_DATA_HOME", "rel/data"), ("HOME", "/home/u"))).ShouldBe("/home/u/.local/share/securechat");
        HubDataDirectory.Resolve(null, Env(("HOME", "/home/u"))).ShouldBe("/home/u/.local/share/securechat");
    }

    [Fact]
    public void With_no_home_the_operator_is_told_to_name_the_directory()
    {
        Should.Throw<HubStoreException>(() => HubDataDirectory.Resolve(null, Env()))
            .Message.ShouldBe("cannot tell where the hub's data directory is: HOME is not set; use --data-dir DIR");
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
