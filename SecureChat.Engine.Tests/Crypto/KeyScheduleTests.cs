using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

public sealed class KeyScheduleTests
{
    [Fact]
    public void The_master_key_is_pbkdf2_over_the_shared_secret_alone_salted_with_the_transcript_hash()
    {
        // v2: the passphrase is no longer a PBKDF2 input (v1 appended it to Z, which made the peer's Finished an offline
        // verifier); it shapes the CPace generator instead, so Z itself already depends on it.
        byte[] z = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        byte[] transcript = SHA256.HashData("transcript"u8);
        byte[] expected = Rfc2898DeriveBytes.Pbkdf2(z, transcript, 10, HashAlgorithmName.SHA256, 32);
        KeySchedule.DeriveMaster(z, transcript, 10).ShouldBe(expected);
        KeySchedule.DeriveMaster(z, transcript, 11).ShouldNotBe(expected);
        KeySchedule.DeriveMaster(z, SHA256.HashData("other"u8), 10).ShouldNotBe(expected);
        Should.Throw<ArgumentOutOfRangeException>(() => KeySchedule.DeriveMaster(z, transcript, 0));
    }

    [Fact]
    public void Every_sub_key_is_hkdf_expand_of_the_master_with_its_own_versioned_label()
    {
        byte[] master = SHA256.HashData("master"u8);
        using SessionKeys keys = KeySchedule.DeriveSessionKeys(master);
        byte[] Expand(int length, string label) => HKDF.Expand(HashAlgorithmName.SHA256, master, length, Encoding.ASCII.GetBytes("SecureChat v2 " + label));

        // The labels as PROTOCOL.md section 3 lists them, spelled out here rather than taken from KeySchedule.
        keys.ClientToServerEncryption.ToArray().ShouldBe(Expand(32, "c2s encryption"));
        keys.ClientToServerMac.ToArray().ShouldBe(Expand(32, "c2s mac"));
        keys.ServerToClientEncryption.ToArray().ShouldBe(Expand(32, "s2c encryption"));
        keys.ServerToClientMac.ToArray().ShouldBe(Expand(32, "s2c mac"));
        keys.ClientFinished.ToArray().ShouldBe(Expand(32, "client finished"));
        keys.ServerFinished.ToArray().ShouldBe(Expand(32, "server finished"));
        keys.Chain.ToArray().ShouldBe(Expand(32, "rekey chain"));
        keys.Fingerprint.ShouldBe(KeySchedule.FormatFingerprint(Expand(16, "fingerprint")));
        keys.Sas.ShouldBe(KeySchedule.FormatSas(Expand(8, "sas")));

        byte[][] all = [keys.ClientToServerEncryption.ToArray(), keys.ClientToServerMac.ToArray(), keys.ServerToClientEncryption.ToArray(), keys.ServerToClientMac.ToArray(), keys.ClientFinished.ToArray(), keys.ServerFinished.ToArray(), keys.Chain.ToArray()];
        all.Select(k => Hex.Of(k)).Distinct().Count().ShouldBe(all.Length, "every label must give a different key");
    }

    [Fact]
    public void Disposing_session_keys_zeroes_every_key()
    {
        SessionKeys keys = KeySchedule.DeriveSessionKeys(SHA256.HashData("master"u8));
        keys.Dispose();
        byte[][] afterDispose = [keys.ClientToServerEncryption.ToArray(), keys.ClientToServerMac.ToArray(), keys.ServerToClientEncryption.ToArray(), keys.ServerToClientMac.ToArray(), keys.ClientFinished.ToArray(), keys.ServerFinished.ToArray(), keys.Chain.ToArray()];
        foreach (byte[] key in afterDispose)
        {
            key.ShouldAllBe(b => b == 0);
        }
    }

    [Fact]
    public void A_fingerprint_is_eight_groups_of_four_upper_case_hex_digits()
    {
        KeySchedule.FormatFingerprint(Hex.Bytes("000102030405060708090a0b0c0d0e0f")).ShouldBe("0001 0203 0405 0607 0809 0A0B 0C0D 0E0F");
    }

    [Theory]
    [InlineData("0000000000000000", "000 000 000 000")]
    [InlineData("000000e8d4a50fff", "999 999 999 999")]
    [InlineData("000000e8d4a51000", "000 000 000 000")]
    [InlineData("0000000000000007", "000 000 000 007")]
    [InlineData("00000000000f4240", "000 001 000 000")]
    [InlineData("ffffffffffffffff", "073 709 551 615")]
    public void A_sas_is_the_big_endian_u64_modulo_ten_to_the_twelve_as_four_groups_of_three_digits(string bytes, string sas)
    {
        KeySchedule.FormatSas(Hex.Bytes(bytes)).ShouldBe(sas);
    }

    [Fact]
    public void A_rekey_master_is_hkdf_extract_salted_with_the_chain_key_and_changes_with_every_input()
    {
        byte[] chain = SHA256.HashData("chain"u8);
        byte[] z = SHA256.HashData("z"u8);
        byte[] transcript = SHA256.HashData("t"u8);
        byte[] master = KeySchedule.DeriveRekeyMaster(chain, z, transcript);
        master.ShouldBe(HKDF.Extract(HashAlgorithmName.SHA256, [.. z, .. transcript], chain));
        KeySchedule.DeriveRekeyMaster(SHA256.HashData("other"u8), z, transcript).ShouldNotBe(master);
        KeySchedule.DeriveRekeyMaster(chain, SHA256.HashData("other"u8), transcript).ShouldNotBe(master);
        KeySchedule.DeriveRekeyMaster(chain, z, SHA256.HashData("other"u8)).ShouldNotBe(master);
    }
}
