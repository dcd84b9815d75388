using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Workflows.Host.Tests.Support;

/// <summary>A client of the HTTP contract, as an outside client would use it.</summary>
public sealed class Api(HttpClient http)
{
    public HttpClient Http => http;

    public async Task LoginAsync(string username, string password)
    {
        var response = await http.PostAsJsonAsync("/api/auth/token", new { username, password });
        var body = await Expect(response, HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["accessToken"]!.GetValue<string>());
    }

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PutAsync(string path, object body) => http.PutAsJsonAsync(path, body);
    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);
    public Task<HttpResponseMessage> PatchAsync(string path, object body) => http.PatchAsJsonAsync(path, body);

    public async Task<JsonNode> PatchOk(string path, object body) => await Expect(await PatchAsync(path, body), HttpStatusCode.OK);

    public async Task<JsonNode> PostOk(string path, object? body = null, HttpStatusCode status = HttpStatusCode.OK) =>
        await Expect(await PostAsync(path, body), status);

    public async Task<JsonNode> GetOk(string path) => await Expect(await GetAsync(path), HttpStatusCode.OK);

    public static async Task<JsonNode> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Asserts a problem document with this status whose errors (for 422) name <paramref name="field"/>.</summary>
    public static async Task<JsonNode> ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Expect(response, status);
        if (field is not null)
            Assert.True(problem["errors"]?[field] is not null, $"expected an error on '{field}', got: {problem.ToJsonString()}");
        return problem;
    }
}
