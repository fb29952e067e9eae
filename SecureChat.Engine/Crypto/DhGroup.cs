using System.Globalization;
using System.Numerics;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// The finite-field Diffie-Hellman groups SecureChat accepts: the safe-prime groups of RFC 7919
/// Appendix A (generator 2), fixed here and never generated at run time. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Private exponents are "short exponents" as RFC 7919 section 5.2 allows: at least twice the group's
/// symmetric strength (the RFC asks for 225, 275 and 325 bits; we use 256, 320 and 384).
/// Public values and shared secrets are encoded big-endian at exactly the byte length of p.
/// </remarks>
internal sealed class DhGroup
{
    private DhGroup(DhGroupId id, string name, int exponentBits, string primeHex)
    {
        Id = id;
        Name = name;
        ExponentBits = exponentBits;
        P = BigInteger.Parse("0" + primeHex, NumberStyles.AllowHexSpecifier);
        PMinusOne = P - BigInteger.One;
        PBytes = P.ToByteArray(isUnsigned: true, isBigEndian: true);
        PMinusOneBytes = PMinusOne.ToByteArray(isUnsigned: true, isBigEndian: true);
        ElementSize = (int)((P.GetBitLength() + 7) / 8);
    }

    public DhGroupId Id { get; }

    public string Name { get; }

    /// <summary>Bits in a private exponent (RFC 7919 section 5.2 short exponent).</summary>
    public int ExponentBits { get; }

    public BigInteger P { get; }

    public BigInteger PMinusOne { get; }

    /// <summary>p, big-endian (shared: never modify).</summary>
    public byte[] PBytes { get; }

    /// <summary>p-1, big-endian, at the element size (shared: never modify).</summary>
    public byte[] PMinusOneBytes { get; }

    public static BigInteger G { get; } = new(2);

    /// <summary>Bytes in an encoded public value or shared secret (the byte length of p).</summary>
    public int ElementSize { get; }

    public static DhGroup Ffdhe2048 { get; } = new(DhGroupId.Ffdhe2048, "ffdhe2048", 256,
        "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695" +
        "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A" +
        "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935" +
        "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A" +
        "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4" +
        "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61" +
        "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005" +
        "C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF");

    public static DhGroup Ffdhe3072 { get; } = new(DhGroupId.Ffdhe3072, "ffdhe3072", 320,
        "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695" +
        "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A" +
        "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935" +
        "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A" +
        "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4" +
        "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61" +
        "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005" +
        "C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B" +
        "BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C" +
        "AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF" +
        "5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E" +
        "0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B66C62E37FFFFFFFFFFFFFFFF");

    public static DhGroup Ffdhe4096 { get; } = new(DhGroupId.Ffdhe4096, "ffdhe4096", 384,
        "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695" +
        "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A" +
        "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935" +
        "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A" +
        "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4" +
        "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61" +
        "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005" +
        "C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B" +
        "BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C" +
        "AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF" +
        "5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E" +
        "0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB" +
        "7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A" +
        "7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038" +
        "092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF" +
        "8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E655F6AFFFFFFFFFFFFFFFF");

    public static IReadOnlyList<DhGroup> All { get; } = [Ffdhe2048, Ffdhe3072, Ffdhe4096];

    public static bool TryGet(DhGroupId id, out DhGroup group)
    {
        foreach (DhGroup g in All)
        {
            if (g.Id == id)
            {
                group = g;
                return true;
            }
        }

        group = null!;
        return false;
    }

    public static DhGroup Get(DhGroupId id) =>
        TryGet(id, out DhGroup group) ? group : throw new ArgumentOutOfRangeException(nameof(id), id, "unknown group");
}
