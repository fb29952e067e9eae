using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureChat.Bench;

/// <summary>
/// One connected pair of streams over 127.0.0.1 for the baselines: plain TCP (NoDelay, as the engine sets), or
/// TLS 1.3 through <see cref="SslStream"/> with a self-signed ECDSA P-256 certificate made in memory, which the
/// client pins by thumbprint. Dispose closes both ends.
/// </summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> s_certificate = new(CreateCertificate);

    private LoopbackPair(Stream client, Stream server)
    {
        Client = client;
        Server = server;
    }

    public Stream Client { get; }

    public Stream Server { get; }

    public static async Task<LoopbackPair> ConnectAsync(bool tls)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task connect = clientSocket.ConnectAsync(listener.LocalEndPoint!);
        Socket serverSocket = await listener.AcceptAsync().ConfigureAwait(false);
        await connect.ConfigureAwait(false);
        serverSocket.NoDelay = true;
        var clientStream = new NetworkStream(clientSocket, ownsSocket: true);
        var serverStream = new NetworkStream(serverSocket, ownsSocket: true);
        if (!tls)
        {
            return new LoopbackPair(clientStream, serverStream);
        }

        X509Certificate2 certificate = s_certificate.Value;
        string pinned = certificate.Thumbprint;
        var clientTls = new SslStream(clientStream, leaveInnerStreamOpen: false);
        var serverTls = new SslStream(serverStream, leaveInnerStreamOpen: false);
        Task serverAuth = serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificateRequired = false,
        });
        Task clientAuth = clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == pinned,
        });
        await Task.WhenAll(serverAuth, clientAuth).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return new LoopbackPair(clientTls, serverTls);
    }

    /// <summary>What TLS negotiated, for the report: protocol and cipher suite.</summary>
    public string Describe() => Client is SslStream ssl ? $"{ssl.SslProtocol}, {ssl.NegotiatedCipherSuite}" : "plain";

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // On Linux a certificate from CreateSelfSigned holds an ephemeral key OpenSSL's TLS cannot use for the
        // server side; a PKCS#12 round trip gives it a usable private key.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }
}
