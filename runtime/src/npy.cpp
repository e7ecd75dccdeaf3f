// The .npy reader and writer (format: numpy/lib/format.py, NEP 1). The header
// is a Python dict literal; it is parsed by a tokenizer that accepts exactly
// the three keys numpy writes, so nothing the file claims reaches an
// allocation or a read before it has been checked against the file's size.
#include "stencilforge/npy.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <new>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace stencilforge::npy {

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
// numpy refuses headers above 10000 bytes unless told otherwise; a float
// array's header is under 128. Anything longer is not a file we wrote or want.
constexpr std::uint64_t kMaxHeaderLen = 1 << 16;
constexpr std::int64_t kMaxExtent = (std::int64_t{1} << 31) - 1;

[[noreturn]] void fail(const std::string &what, const std::string &why) { throw Error("'" + what + "': " + why); }

std::uint64_t little_endian(std::span<const std::byte> b, std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<std::uint8_t>(b[at + i]);
    return v;
}

// Names a descr numpy would write for something other than f4/f8, so the
// refusal says what the file holds ("int32", "big-endian float64").
std::string describe_descr(const std::string &d) {
    if (d.size() < 2) return "dtype '" + d + "'";
    std::size_t i = 0;
    std::string order;
    if (d[0] == '<' || d[0] == '>' || d[0] == '=' || d[0] == '|') order = d.substr(0, 1), i = 1;
    const char kind = d[i];
    const std::string digits = d.substr(i + 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 3) {
        return "dtype '" + d + "'";
    }
    const int bytes = std::stoi(digits);
    std::string name;
    switch (kind) {
        case 'f': name = "float" + std::to_string(8 * bytes); break;
        case 'i': name = "int" + std::to_string(8 * bytes); break;
        case 'u': name = "uint" + std::to_string(8 * bytes); break;
        case 'c': name = "complex" + std::to_string(8 * bytes); break;
        case 'b': name = "bool"; break;
        case 'U': case 'S': name = "string"; break;
        case 'V': name = "void/structured"; break;
        case 'O': name = "Python object"; break;
        case 'M': case 'm': name = "datetime"; break;
        default: return "dtype '" + d + "'";
    }
    return (order == ">" ? "big-endian " : "") + name + " ('" + d + "')";
}

// A tokenizer for the header's dict literal: strings, names, integers, punctuation.
class Lexer {
public:
    Lexer(std::string_view text, const std::string &what) : s_(text), what_(what) {}

    void skip_space() {
        while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) ++p_;
    }
    bool at_end() {
        skip_space();
        return p_ == s_.size();
    }
    char peek() {
        skip_space();
        return p_ < s_.size() ? s_[p_] : '\0';
    }
    void expect(char c) {
        if (peek() != c) bad(std::string("expected '") + c + "'");
        ++p_;
    }
    bool accept(char c) {
        if (peek() != c) return false;
        ++p_;
        return true;
    }
    std::string string_literal() {
        const char q = peek();
        if (q != '\'' && q != '"') bad("expected a quoted string");
        const std::size_t start = ++p_;
        while (p_ < s_.size() && s_[p_] != q) {
            if (s_[p_] == '\\') bad("escapes in strings are not supported");
            ++p_;
        }
        if (p_ == s_.size()) bad("unterminated string");
        return std::string(s_.substr(start, p_++ - start));
    }
    std::string name() {
        skip_space();
        const std::size_t start = p_;
        while (p_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[p_]))) ++p_;
        if (start == p_) bad("expected a value");
        return std::string(s_.substr(start, p_ - start));
    }
    std::string digits() {
        skip_space();
        const std::size_t start = p_;
        if (p_ < s_.size() && s_[p_] == '-') ++p_;
        while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
        if (p_ == start || (p_ == start + 1 && s_[start] == '-')) bad("expected an integer");
        return std::string(s_.substr(start, p_ - start));
    }
    [[noreturn]] void bad(const std::string &why) {
        fail(what_, "malformed .npy header (" + why + " at character " + std::to_string(p_) + ")");
    }

private:
    std::string_view s_;
    const std::string &what_;
    std::size_t p_ = 0;
};

struct RawHeader {
    std::optional<std::string> descr;
    std::optional<bool> fortran_order;
    std::optional<std::vector<std::string>> shape;  // digits as written, checked later
};

RawHeader parse_dict(std::string_view text, const std::string &what) {
    Lexer lx(text, what);
    RawHeader h;
    lx.expect('{');
    while (!lx.accept('}')) {
        const std::string key = lx.string_literal();
        lx.expect(':');
        if (key == "descr") {
            if (h.descr) lx.bad("'descr' given twice");
            if (lx.peek() == '[') fail(what, "holds a structured dtype; stencilforge reads float32 or float64 arrays");
            h.descr = lx.string_literal();
        } else if (key == "fortran_order") {
            if (h.fortran_order) lx.bad("'fortran_order' given twice");
            const std::string v = lx.name();
            if (v != "True" && v != "False") lx.bad("fortran_order must be True or False");
            h.fortran_order = v == "True";
        } else if (key == "shape") {
            if (h.shape) lx.bad("'shape' given twice");
            std::vector<std::string> dims;
            lx.expect('(');
            while (!lx.accept(')')) {
                dims.push_back(lx.digits());
                if (lx.peek() != ')') lx.expect(',');
            }
            h.shape = dims;
        } else {
            lx.bad("unknown key '" + key + "'");
        }
        if (lx.peek() != '}') lx.expect(',');
    }
    if (!lx.at_end()) lx.bad("text after the dict");
    if (!h.descr) fail(what, "malformed .npy header (no 'descr')");
    if (!h.fortran_order) fail(what, "malformed .npy header (no 'fortran_order')");
    if (!h.shape) fail(what, "malformed .npy header (no 'shape')");
    return h;
}

std::string shape_text(const std::vector<std::int64_t> &shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

const char *numpy_name(DType dtype) { return dtype == DType::f32 ? "float32" : "float64"; }

Header parse_header(std::span<const std::byte> bytes, std::uint64_t file_size, const std::string &what,
                    Limits limits) {
    if (bytes.size() < kMagicLen || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) {
        std::string why = "is not a .npy file (it does not start with \\x93NUMPY)";
        const auto *c = reinterpret_cast<const char *>(bytes.data());
        if (bytes.size() >= 4 && std::memcmp(c, "\x89PNG", 4) == 0) why += "; it is a PNG image";
        if (bytes.size() >= 2 && c[0] == 'P' && c[1] >= '1' && c[1] <= '7') why += "; it looks like a PGM/PPM image";
        if (bytes.size() >= 2 && std::memcmp(c, "PK", 2) == 0) why += "; it looks like a .npz archive";
        fail(what, why + "; stencilforge reads .npy arrays only");
    }
    if (bytes.size() < kMagicLen + 2) fail(what, "is truncated inside its .npy preamble");
    const int major = static_cast<std::uint8_t>(bytes[6]), minor = static_cast<std::uint8_t>(bytes[7]);
    if (major < 1 || major > 3 || minor != 0) {
        fail(what, ".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                       " is not supported (1.0, 2.0 and 3.0 are)");
    }
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    if (bytes.size() < kMagicLen + 2 + len_bytes) fail(what, "is truncated inside its .npy preamble");
    const std::uint64_t header_len = little_endian(bytes, kMagicLen + 2, static_cast<int>(len_bytes));
    const std::uint64_t start = kMagicLen + 2 + len_bytes;
    if (header_len > kMaxHeaderLen) {
        fail(what, ".npy header length " + std::to_string(header_len) + " exceeds the " +
                       std::to_string(kMaxHeaderLen) + "-byte limit");
    }
    if (start + header_len > file_size) {
        fail(what, ".npy header length " + std::to_string(header_len) + " runs past the end of the " +
                       std::to_string(file_size) + "-byte file");
    }
    if (bytes.size() < start + header_len) fail(what, "is truncated inside its .npy header");
    const std::string_view text(reinterpret_cast<const char *>(bytes.data()) + start, header_len);
    for (const char ch : text) {
        if (static_cast<unsigned char>(ch) >= 0x80 || (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t')) {
            fail(what, "malformed .npy header (a byte that is not printable ASCII)");
        }
    }
    const RawHeader raw = parse_dict(text, what);

    Header h;
    const std::string &d = *raw.descr;
    if (d == "<f4" || d == "=f4" || d == "f4") {
        h.dtype = DType::f32;
    } else if (d == "<f8" || d == "=f8" || d == "f8") {
        h.dtype = DType::f64;
    } else {
        fail(what, "holds " + describe_descr(d) + " data; stencilforge reads float32 ('<f4') or float64 ('<f8')");
    }
    if (*raw.fortran_order) {
        fail(what, "is stored in Fortran order; stencilforge reads C-order arrays (save np.ascontiguousarray(a))");
    }
    const auto &dims = *raw.shape;
    const int n = static_cast<int>(dims.size());
    if (n < limits.min_dims || n > limits.max_dims) {
        const std::string range = limits.min_dims == limits.max_dims
                                      ? std::to_string(limits.min_dims)
                                      : std::to_string(limits.min_dims) + " to " + std::to_string(limits.max_dims);
        fail(what, "holds a " + std::to_string(n) + "-D array; expected " + range +
                       " dimensions ((ny, nx) or (nz, ny, nx), x last)");
    }
    std::uint64_t cells = 1;
    for (int i = 0; i < n; ++i) {
        const std::string &s = dims[i];
        // Compared as text first: the digits may not fit any integer type.
        const bool too_big = s[0] != '-' && (s.size() > 10 || std::stoull(s) > static_cast<std::uint64_t>(kMaxExtent));
        if (s[0] == '-' || too_big || std::stoll(s) < 1) {
            fail(what, "shape axis " + std::to_string(i) + " is " + s + "; every extent must be in [1, 2^31)");
        }
        h.shape.push_back(std::stoll(s));
        if (__builtin_mul_overflow(cells, static_cast<std::uint64_t>(h.shape.back()), &cells)) {
            fail(what, "shape " + shape_text(h.shape) + "... has more cells than fit in 64 bits");
        }
    }
    std::uint64_t payload = 0;
    if (__builtin_mul_overflow(cells, std::uint64_t{size_of(h.dtype)}, &payload) ||
        payload > std::numeric_limits<std::size_t>::max() - (start + header_len)) {
        fail(what, "shape " + shape_text(h.shape) + " needs more bytes than fit in 64 bits");
    }
    h.data_offset = start + header_len;
    h.payload_bytes = payload;
    const std::uint64_t have = file_size - h.data_offset;
    if (have != payload) {
        fail(what, "holds " + std::to_string(have) + " bytes of data but its header (shape " + shape_text(h.shape) +
                       ", " + numpy_name(h.dtype) + ") needs " +
                       std::to_string(payload) + (have < payload ? " (the file is truncated)" : ""));
    }
    return h;
}

std::vector<std::int64_t> Array::extents() const { return {header.shape.rbegin(), header.shape.rend()}; }

ConstGridView Array::view() const { return ConstGridView(data.get(), header.dtype, extents()); }

namespace {
std::unique_ptr<std::byte[]> allocate(std::size_t bytes, const std::string &what) {
    try {
        return std::make_unique_for_overwrite<std::byte[]>(bytes);
    } catch (const std::bad_alloc &) {
        fail(what, "cannot allocate " + std::to_string(bytes) + " bytes for its data");
    }
}
}  // namespace

Header read_header(const fs::path &path, Limits limits) {
    const std::string what = path.string();
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) fail(what, "no such file");
    if (fs::is_directory(status)) fail(what, "is a directory, not a .npy file");
    if (!fs::is_regular_file(status)) fail(what, "is not a regular file");
    const std::uint64_t size = fs::file_size(path, ec);
    if (ec) fail(what, "cannot read its size: " + ec.message());
    std::ifstream f(path, std::ios::binary);
    if (!f) fail(what, std::string("cannot open: ") + std::strerror(errno));
    std::vector<std::byte> prefix(static_cast<std::size_t>(std::min<std::uint64_t>(size, 12 + kMaxHeaderLen)));
    if (!f.read(reinterpret_cast<char *>(prefix.data()), static_cast<std::streamsize>(prefix.size()))) {
        fail(what, "cannot read its header");
    }
    return parse_header(prefix, size, what, limits);
}

Array read(const fs::path &path, Limits limits) {
    const std::string what = path.string();
    Array a{read_header(path, limits), nullptr};
    std::ifstream f(path, std::ios::binary);
    if (!f) fail(what, std::string("cannot open: ") + std::strerror(errno));
    a.data = allocate(a.header.payload_bytes, what);
    f.seekg(static_cast<std::streamoff>(a.header.data_offset));
    if (!f.read(reinterpret_cast<char *>(a.data.get()), static_cast<std::streamsize>(a.header.payload_bytes))) {
        fail(what, "cannot read its data (the file changed while being read?)");
    }
    return a;
}

Array from_bytes(std::span<const std::byte> bytes, const std::string &what, Limits limits) {
    Array a{parse_header(bytes, bytes.size(), what, limits), nullptr};
    a.data = allocate(a.header.payload_bytes, what);
    std::memcpy(a.data.get(), bytes.data() + a.header.data_offset, a.header.payload_bytes);
    return a;
}

std::string header_for(DType dtype, const std::vector<std::int64_t> &shape) {
    std::string dict = std::string("{'descr': '") + (dtype == DType::f32 ? "<f4" : "<f8") +
                       "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
    const std::size_t preamble = kMagicLen + 2 + 2;
    const std::size_t total = (preamble + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - preamble - dict.size() - 1, ' ');
    dict += '\n';
    std::string out(kMagic, kMagicLen);
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(dict.size() & 0xff);
    out += static_cast<char>(dict.size() >> 8);
    return out + dict;
}

PendingFile::PendingFile(const fs::path &path) : path_(path) {
    const std::string what = path.string();
    if (path.empty()) throw Error("no output path given");
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (fs::is_directory(status)) fail(what, "is a directory");
    if (fs::exists(status) && !fs::is_regular_file(status)) fail(what, "exists and is not a regular file");
    if (!path.has_filename()) fail(what, "names no file");
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    const auto dir_status = fs::status(dir, ec);
    if (!fs::exists(dir_status)) fail(what, "its directory '" + dir.string() + "' does not exist");
    if (!fs::is_directory(dir_status)) fail(what, "'" + dir.string() + "' is not a directory");
    // A hidden sibling: the rename in commit() stays within one file system.
    for (int attempt = 0; fd_ < 0; ++attempt) {
        temp_ = dir / ("." + path.filename().string() + ".partial-" + std::to_string(::getpid()) + "-" +
                       std::to_string(attempt));
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd_ < 0 && (errno != EEXIST || attempt > 100)) {
            const int e = errno;
            temp_.clear();
            fail(what, "cannot create a file in '" + dir.string() + "': " + std::strerror(e));
        }
    }
}

PendingFile::~PendingFile() { discard(); }

void PendingFile::discard() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    temp_.clear();
}

void PendingFile::commit(DType dtype, const std::vector<std::int64_t> &shape, const void *data) {
    std::size_t payload = size_of(dtype);
    for (auto e : shape) payload *= static_cast<std::size_t>(e);
    const std::string header = header_for(dtype, shape);
    write_and_rename({{header.data(), header.size()}, {static_cast<const char *>(data), payload}});
}

void PendingFile::commit_text(std::string_view text) { write_and_rename({{text.data(), text.size()}}); }

void PendingFile::commit_written() { write_and_rename({}); }

void PendingFile::write_and_rename(std::initializer_list<std::pair<const char *, std::size_t>> pieces) {
    const std::string what = path_.string();
    if (fd_ < 0) fail(what, "already written or discarded");
    for (auto [p, n] : pieces) {
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                const int e = w < 0 ? errno : ENOSPC;
                discard();
                fail(what, std::string("writing failed: ") + std::strerror(e));
            }
            p += w;
            n -= static_cast<std::size_t>(w);
        }
    }
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) {
        const int e = errno;
        discard();
        fail(what, std::string("writing failed: ") + std::strerror(e));
    }
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
        const int e = errno;
        discard();
        fail(what, std::string("cannot replace it: ") + std::strerror(e));
    }
    temp_.clear();
}

void write(const fs::path &path, DType dtype, const std::vector<std::int64_t> &shape, const void *data) {
    PendingFile(path).commit(dtype, shape, data);
}

}  // namespace stencilforge::npy
