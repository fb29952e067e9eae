using System.Text;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

/// <summary>The passphrase file is read as bytes (never a string): first line, byte-order mark dropped, UTF-8 checked.</summary>
public sealed class PassphraseReaderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"securechat-passphrase-{Guid.NewGuid():N}");

    [Theory]
    [InlineData("correct horse\n", "correct horse")]
    [InlineData("correct horse\r\nsecond line\r\n", "correct horse")]
    [InlineData("\uFEFFwith a byte-order mark\n", "with a byte-order mark")]
    [InlineData("no final newline", "no final newline")]
    [InlineData("ünïcödé 你好\n", "ünïcödé 你好")]
    public void A_passphrase_file_gives_its_first_line_as_utf8_bytes(string content, string expected)
    {
        File.WriteAllBytes(_path, Encoding.UTF8.GetBytes(content));
        PassphraseReader.Read(FileSettings()).ShouldBe(Encoding.UTF8.GetBytes(expected));
    }

    [Fact]
    public void An_empty_first_line_invalid_utf8_or_an_oversized_file_is_refused_in_one_line()
    {
        File.WriteAllBytes(_path, "\nsecond"u8.ToArray());
        Should.Throw<UsageException>(() => PassphraseReader.Read(FileSettings())).Message.ShouldContain("first line is empty");
        File.WriteAllBytes(_path, [0x61, 0xFF, 0x62]);
        Should.Throw<UsageException>(() => PassphraseReader.Read(FileSettings())).Message.ShouldContain("not UTF-8");
        File.WriteAllBytes(_path, new byte[PassphraseReader.PassphraseFileMax + 1]);
        Should.Throw<UsageException>(() => PassphraseReader.Read(FileSettings())).Message.ShouldContain("larger than");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_passphrase_file_others_can_read_is_used_with_a_one_line_warning_and_a_private_one_without()
    {
        File.WriteAllBytes(_path, "correct horse\n"u8.ToArray());
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var warnings = new List<string>();
        PassphraseReader.Read(FileSettings(), warnings.Add).ShouldBe("correct horse"u8.ToArray());
        warnings.ShouldHaveSingleItem().ShouldBe($"the passphrase file {_path} can be read by other users (mode 0644); run: chmod 600 {_path}");

        warnings.Clear();
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        PassphraseReader.Read(FileSettings(), warnings.Add);
        warnings.ShouldBeEmpty();
    }

    public void Dispose() => File.Delete(_path);

    private AppSettings FileSettings() => new() { PassphraseSource = PassphraseSource.File, PassphraseLocation = _path };
}
