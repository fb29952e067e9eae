using SecureChat.Engine.Crypto;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Runtime.Versioning;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Identity;

// File modes are Unix permissions; the engine skips them on Windows, and so do these checks.
[UnsupportedOSPlatform("windows")]
public sealed class IdentityKeyTests
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void The_first_run_creates_the_key_and_the_next_run_loads_the_same_one()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        byte[] created;
        string fingerprint;
        using (IdentityKey first = IdentityKey.LoadOrCreate(directory))
        {
            created = first.PublicKey;
            fingerprint = first.Fingerprint;
        }

        using IdentityKey again = IdentityKey.LoadOrCreate(ConfigDirectory.OpenPath(temp.Combine("c")));
        again.PublicKey.ShouldBe(created);
        again.Fingerprint.ShouldBe(fingerprint);
        created.Length.ShouldBe(32);
    }

    [Fact]
    public void The_key_file_is_0600_in_a_0700_directory_and_identity_pub_is_readable_text()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        using IdentityKey key = IdentityKey.LoadOrCreate(directory);
        File.GetUnixFileMode(directory.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(directory.PathOf("identity")).ShouldBe(Mode600);
        File.GetUnixFileMode(directory.PathOf("identity.pub")).ShouldBe(Mode600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        string[] secret = File.ReadAllLines(directory.PathOf("identity"));
        secret.Length.ShouldBe(2);
        secret[0].ShouldBe("securechat-identity-v1 ed25519");
        Convert.FromBase64String(secret[1]).Length.ShouldBe(32);

        string pub = File.ReadAllText(directory.PathOf("identity.pub"));
        pub.ShouldContain(key.Fingerprint);
        pub.ShouldContain("ed25519 " + Convert.ToBase64String(key.PublicKey));
        pub.ShouldNotContain(secret[1]);
    }

    [Fact]
    public void A_key_file_that_others_can_read_is_refused_with_a_one_line_error_naming_the_fix()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        IdentityKey.LoadOrCreate(directory).Dispose();
        string path = directory.PathOf("identity");
        File.SetUnixFileMode(path, Mode600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        ConfigFileException e = Should.Throw<ConfigFileException>(() => IdentityKey.LoadOrCreate(directory));
        e.Message.ShouldNotContain("\n");
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("0644");
        e.Message.ShouldContain($"chmod 600 {path}");
        e.FilePath.ShouldBe(path);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherWrite)]
    [InlineData(UnixFileMode.GroupExecute)]
    public void Any_group_or_other_permission_on_the_key_file_is_refused(UnixFileMode extra)
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        IdentityKey.LoadOrCreate(directory).Dispose();
        File.SetUnixFileMode(directory.PathOf("identity"), Mode600 | extra);
        Should.Throw<ConfigFileException>(() => IdentityKey.LoadOrCreate(directory)).Message.ShouldContain("chmod 600");
    }

    [Theory]
    [InlineData("")]
    [InlineData("securechat-identity-v1 ed25519\n")]
    [InlineData("securechat-identity-v1 ed25519\nnWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\n")]
    [InlineData("securechat-identity-v1 ed25519\nnWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=AAAA\n")]
    [InlineData("securechat-identity-v1 ed25519\n!WGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n")]
    [InlineData("securechat-identity-v2 ed25519\nnWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n")]
    [InlineData("securechat-identity-v1 ed25519\nnWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\nextra\n")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\n")]
    public void A_malformed_key_file_is_refused_and_left_untouched(string content)
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        string path = directory.PathOf("identity");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, Mode600);

        ConfigFileException e = Should.Throw<ConfigFileException>(() => IdentityKey.LoadOrCreate(directory));
        e.Message.ShouldNotContain("\n");
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("malformed");
        File.ReadAllText(path).ShouldBe(content);
        File.Exists(directory.PathOf("identity.pub")).ShouldBeFalse();
    }

    [Fact]
    public void A_well_formed_file_with_crlf_line_ends_loads_the_seed_it_holds()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        string path = directory.PathOf("identity");
        File.WriteAllText(path, "securechat-identity-v1 ed25519\r\nnWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\r\n");
        File.SetUnixFileMode(path, Mode600);
        using IdentityKey key = IdentityKey.LoadOrCreate(directory);
        Hex.Of(key.PublicKey).ShouldBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    }

    [Fact]
    public async Task Instances_creating_the_identity_at_the_same_moment_all_get_one_key()
    {
        for (int round = 0; round < 5; round++)
        {
            using TempDirectory temp = new();
            string path = temp.Combine("c");
            using Barrier start = new(8);
            string[] keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                using IdentityKey key = IdentityKey.LoadOrCreate(ConfigDirectory.OpenPath(path));
                return Convert.ToBase64String(key.PublicKey);
            })));

            keys.Distinct().Count().ShouldBe(1);
            File.ReadAllLines(Path.Combine(path, "identity"))[1].ShouldNotBeNullOrEmpty();
            using IdentityKey onDisk = IdentityKey.LoadOrCreate(ConfigDirectory.OpenPath(path));
            Convert.ToBase64String(onDisk.PublicKey).ShouldBe(keys[0]);
            Directory.GetFiles(path).Select(Path.GetFileName).Order().ShouldBe([".lock", "identity", "identity.pub"]);
        }
    }

    [Fact]
    public void A_signature_verifies_and_a_tampered_signature_or_message_does_not()
    {
        using IdentityKey key = IdentityKey.FromSeed(SHA256.HashData("seed"u8));
        byte[] data = Encoding.UTF8.GetBytes("transcript hash");
        byte[] signature = key.Sign(data);
        signature.Length.ShouldBe(64);
        IdentitySignature.Verify(key.PublicKey, data, signature).ShouldBeTrue();

        for (int bit = 0; bit < 64 * 8; bit += 37)
        {
            byte[] tampered = (byte[])signature.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            IdentitySignature.Verify(key.PublicKey, data, tampered).ShouldBeFalse($"bit {bit}");
        }

        IdentitySignature.Verify(key.PublicKey, "transcript hasH"u8, signature).ShouldBeFalse();
        using IdentityKey other = IdentityKey.FromSeed(SHA256.HashData("other"u8));
        IdentitySignature.Verify(other.PublicKey, data, signature).ShouldBeFalse();
    }

    [Fact]
    public void Malformed_public_keys_and_signatures_return_false_without_throwing()
    {
        using IdentityKey key = IdentityKey.FromSeed(SHA256.HashData("seed"u8));
        byte[] data = [1, 2, 3];
        byte[] signature = key.Sign(data);
        byte[] publicKey = key.PublicKey;

        IdentitySignature.Verify([], data, signature).ShouldBeFalse();
        IdentitySignature.Verify(publicKey[..31], data, signature).ShouldBeFalse();
        IdentitySignature.Verify([.. publicKey, 0], data, signature).ShouldBeFalse();
        IdentitySignature.Verify(publicKey, data, signature[..63]).ShouldBeFalse();
        IdentitySignature.Verify(publicKey, data, [.. signature, 0]).ShouldBeFalse();
        IdentitySignature.Verify(publicKey, data, []).ShouldBeFalse();

        // Not points on the curve, or of small order (the identity point 01 00..00, and all zeros): libsodium rejects them.
        byte[] identityPoint = new byte[32];
        identityPoint[0] = 1;
        IdentitySignature.Verify(identityPoint, data, signature).ShouldBeFalse();
        IdentitySignature.Verify(new byte[32], data, signature).ShouldBeFalse();
        IdentitySignature.Verify(Enumerable.Repeat((byte)0xFF, 32).ToArray(), data, signature).ShouldBeFalse();
        IdentitySignature.Verify(Enumerable.Repeat((byte)0xFF, 32).ToArray(), data, new byte[64]).ShouldBeFalse();
    }

    /// <summary>RFC 8032 section 7.1, TEST 1-3 (Ed25519): secret key (seed), public key, message, signature.</summary>
    [Theory]
    [InlineData("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [InlineData("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void Rfc8032_test_vectors_give_the_published_public_key_and_signature(string secret, string expectedPublic, string message, string expectedSignature)
    {
        using IdentityKey key = IdentityKey.FromSeed(Hex.Bytes(secret));
        Hex.Of(key.PublicKey).ShouldBe(expectedPublic);
        Hex.Of(key.Sign(Hex.Bytes(message))).ShouldBe(expectedSignature);
        IdentitySignature.Verify(Hex.Bytes(expectedPublic), Hex.Bytes(message), Hex.Bytes(expectedSignature)).ShouldBeTrue();
    }

    [Fact]
    public void The_fingerprint_is_the_first_16_bytes_of_sha256_of_the_public_key_in_8_groups_of_4()
    {
        // RFC 8032 TEST 1's public key; SHA-256 computed independently (Python hashlib): 21FE31DF A154A261 ...
        byte[] publicKey = Hex.Bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        IdentityFingerprint.Of(publicKey).ShouldBe("21FE 31DF A154 A261 626B F854 046F D227");
        Hex.Of(IdentityFingerprint.IdentityDigest(publicKey)).ShouldBe("21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9");
        IdentityFingerprint.FromDigest(IdentityFingerprint.IdentityDigest(publicKey)).ShouldBe(IdentityFingerprint.Of(publicKey));

        using IdentityKey key = IdentityKey.FromSeed(Hex.Bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        key.Fingerprint.ShouldBe("21FE 31DF A154 A261 626B F854 046F D227");
        key.IdentityDigest.ShouldBe(IdentityFingerprint.IdentityDigest(publicKey));
        Regex.IsMatch(key.Fingerprint, "^([0-9A-F]{4} ){7}[0-9A-F]{4}$").ShouldBeTrue();
        Should.Throw<ArgumentException>(() => IdentityFingerprint.Of(publicKey[..31]));
    }

    [Fact]
    public void A_disposed_key_no_longer_signs()
    {
        IdentityKey key = IdentityKey.FromSeed(new byte[32]);
        key.Dispose();
        Should.Throw<ObjectDisposedException>(() => key.Sign([1]));
    }
}
