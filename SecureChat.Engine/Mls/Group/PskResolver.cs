using System.Security.Cryptography;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Turns the pre-shared keys a commit or a Welcome names into psk_secret (RFC 9420 sections 8.4 and 12.2): each id
/// must be distinct, carry an Nh-byte nonce and resolve to a key this client holds (an external PSK from the
/// application's lookup, or a resumption PSK of a recent epoch of the group); a resumption PSK used for reinit or
/// branch must be the only one of its kind. Stateless and thread-safe.
/// </summary>
internal static class PskResolver
{
    /// <summary>The most PSKs one epoch may name: each costs three HKDF calls, and the count is peer-chosen.</summary>
    public const int PsksMax = 64;

    public static bool TryComputeSecret(
        CipherSuite suite,
        IReadOnlyList<PreSharedKeyId> ids,
        Func<PreSharedKeyId, byte[]?> lookup,
        bool welcome,
        out byte[] pskSecret,
        out string failure)
    {
        pskSecret = [];
        if (ids.Count > PsksMax)
        {
            failure = $"{ids.Count} pre-shared keys named, more than the {PsksMax} accepted";
            return false;
        }

        var seen = new HashSet<string>();
        var psks = new List<(byte[] EncodedId, byte[] Psk)>(ids.Count);
        int reinitOrBranch = 0;
        try
        {
            foreach (PreSharedKeyId id in ids)
            {
                if (id.Nonce.Length != suite.HashLength)
                {
                    failure = $"a pre-shared key's nonce is {id.Nonce.Length} bytes, not {suite.HashLength}";
                    return false;
                }

                byte[] encodedId = id.Encode();
                if (!seen.Add(Convert.ToHexString(encodedId)))
                {
                    failure = "the same pre-shared key is named twice";
                    return false;
                }

                if (id.Type == PskType.Resumption && id.Usage != ResumptionPskUsage.Application)
                {
                    if (!welcome)
                    {
                        failure = "a commit names a resumption PSK for reinit or branch";
                        return false;
                    }

                    reinitOrBranch++;
                }

                if (lookup(id) is not { } psk)
                {
                    failure = id.Type == PskType.External
                        ? $"the pre-shared key {Convert.ToHexString(id.PskId)} is not known here"
                        : $"the resumption secret of epoch {id.PskEpoch} is not held here";
                    return false;
                }

                psks.Add((encodedId, psk.ToArray()));
            }

            if (reinitOrBranch > 1)
            {
                failure = "more than one resumption PSK for reinit or branch";
                return false;
            }

            pskSecret = PskSecret.Compute(suite, psks);
            failure = "";
            return true;
        }
        finally
        {
            foreach ((_, byte[] psk) in psks)
            {
                CryptographicOperations.ZeroMemory(psk);
            }
        }
    }
}
