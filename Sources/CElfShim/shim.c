#define _GNU_SOURCE
#include "CElfShim.h"
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The subset of the libelf API we call, declared here so that no libelf header is needed to
// build. Values from elfutils' libelf.h (Elf_Cmd, Elf_Type); GElf types are the Elf64 ones.
typedef struct Elf Elf;
typedef struct Elf_Scn Elf_Scn;
typedef struct {
    void *d_buf;
    int d_type;
    unsigned int d_version;
    size_t d_size;
    int64_t d_off;
    size_t d_align;
} se_Elf_Data;
enum { SE_ELF_C_READ_MMAP = 8, SE_ELF_T_DYN = 2, SE_EV_CURRENT = 1 };

static struct {
    void *handle;
    unsigned (*elf_version)(unsigned);
    Elf *(*elf_begin)(int, int, Elf *);
    int (*elf_end)(Elf *);
    Elf64_Ehdr *(*gelf_getehdr)(Elf *, Elf64_Ehdr *);
    int (*gelf_getclass)(Elf *);
    int (*elf_getphdrnum)(Elf *, size_t *);
    int (*elf_getshdrnum)(Elf *, size_t *);
    int (*elf_getshdrstrndx)(Elf *, size_t *);
    Elf64_Phdr *(*gelf_getphdr)(Elf *, int, Elf64_Phdr *);
    Elf_Scn *(*elf_getscn)(Elf *, size_t);
    Elf64_Shdr *(*gelf_getshdr)(Elf_Scn *, Elf64_Shdr *);
    char *(*elf_strptr)(Elf *, size_t, size_t);
    se_Elf_Data *(*elf_getdata_rawchunk)(Elf *, int64_t, size_t, int);
    Elf64_Dyn *(*gelf_getdyn)(se_Elf_Data *, int, Elf64_Dyn *);
    const char *(*elf_errmsg)(int);
} L;

struct se_elf { int fd; Elf *elf; };

int se_libelf_load(char *err, size_t errlen) {
    if (L.handle) return 0;
    void *h = dlopen("libelf.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) h = dlopen("libelf.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, errlen, "libelf is not installed (dlopen libelf.so.1: %s); install it with: apt-get install libelf1", dlerror());
        return -1;
    }
#define SYM(n) do { *(void **)(&L.n) = dlsym(h, #n); if (!L.n) { snprintf(err, errlen, "libelf lacks %s", #n); dlclose(h); return -1; } } while (0)
    SYM(elf_version); SYM(elf_begin); SYM(elf_end); SYM(gelf_getehdr); SYM(gelf_getclass);
    SYM(elf_getphdrnum); SYM(elf_getshdrnum); SYM(elf_getshdrstrndx); SYM(gelf_getphdr);
    SYM(elf_getscn); SYM(gelf_getshdr); SYM(elf_strptr); SYM(elf_getdata_rawchunk); SYM(gelf_getdyn);
    SYM(elf_errmsg);
#undef SYM
    if (L.elf_version(SE_EV_CURRENT) == 0) {
        snprintf(err, errlen, "libelf: elf_version failed");
        dlclose(h);
        return -1;
    }
    L.handle = h;
    return 0;
}

const char *se_libelf_name(void) { return L.handle ? "libelf.so.1" : ""; }

const char *se_elf_errmsg(void) { return L.handle ? L.elf_errmsg(-1) : "libelf not loaded"; }

se_elf *se_elf_open(const char *path, char *err, size_t errlen) {
    if (!L.handle) { snprintf(err, errlen, "libelf not loaded"); return NULL; }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { snprintf(err, errlen, "open %s failed", path); return NULL; }
    Elf *elf = L.elf_begin(fd, SE_ELF_C_READ_MMAP, NULL);
    if (!elf) { snprintf(err, errlen, "elf_begin: %s", L.elf_errmsg(-1)); close(fd); return NULL; }
    se_elf *e = calloc(1, sizeof *e);
    if (!e) { L.elf_end(elf); close(fd); return NULL; }
    e->fd = fd;
    e->elf = elf;
    return e;
}

void se_elf_close(se_elf *e) {
    if (!e) return;
    L.elf_end(e->elf);
    close(e->fd);
    free(e);
}

int se_elf_ehdr(se_elf *e, se_ehdr *o) {
    Elf64_Ehdr h;
    if (!L.gelf_getehdr(e->elf, &h)) return -1;
    memset(o, 0, sizeof *o);
    o->cls = h.e_ident[EI_CLASS];
    o->data = h.e_ident[EI_DATA];
    o->type = h.e_type; o->machine = h.e_machine; o->version = h.e_version; o->flags = h.e_flags;
    o->entry = h.e_entry; o->phoff = h.e_phoff; o->shoff = h.e_shoff;
    o->ehsize = h.e_ehsize; o->phentsize = h.e_phentsize; o->shentsize = h.e_shentsize;
    size_t n = 0;
    if (L.elf_getphdrnum(e->elf, &n) == 0) o->phnum = n;
    n = 0;
    if (L.elf_getshdrnum(e->elf, &n) == 0) o->shnum = n;
    n = 0;
    if (L.elf_getshdrstrndx(e->elf, &n) == 0) o->shstrndx = n;
    return 0;
}

int se_elf_phdr(se_elf *e, size_t i, se_phdr *o) {
    Elf64_Phdr p;
    if (!L.gelf_getphdr(e->elf, (int)i, &p)) return -1;
    o->type = p.p_type; o->flags = p.p_flags; o->offset = p.p_offset; o->vaddr = p.p_vaddr;
    o->paddr = p.p_paddr; o->filesz = p.p_filesz; o->memsz = p.p_memsz; o->align = p.p_align;
    return 0;
}

int se_elf_shdr(se_elf *e, size_t i, se_shdr *o) {
    Elf_Scn *scn = L.elf_getscn(e->elf, i);
    if (!scn) return -1;
    Elf64_Shdr s;
    if (!L.gelf_getshdr(scn, &s)) return -1;
    memset(o, 0, sizeof *o);
    size_t strndx = 0;
    if (L.elf_getshdrstrndx(e->elf, &strndx) == 0 && (i != 0 || s.sh_name != 0)) {
        const char *name = L.elf_strptr(e->elf, strndx, s.sh_name);
        if (name) snprintf(o->name, sizeof o->name, "%s", name);
    }
    o->type = s.sh_type; o->link = s.sh_link; o->info = s.sh_info; o->flags = s.sh_flags;
    o->addr = s.sh_addr; o->offset = s.sh_offset; o->size = s.sh_size;
    o->addralign = s.sh_addralign; o->entsize = s.sh_entsize;
    if ((s.sh_type == SHT_SYMTAB || s.sh_type == SHT_DYNSYM) && s.sh_type != SHT_NOBITS) {
        size_t symsize = L.gelf_getclass(e->elf) == ELFCLASS64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
        o->symbols = s.sh_size / symsize;
    }
    return 0;
}

long se_elf_dynamic(se_elf *e, se_dyn *out, size_t max) {
    size_t n = 0;
    if (L.elf_getphdrnum(e->elf, &n) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        Elf64_Phdr p;
        if (!L.gelf_getphdr(e->elf, (int)i, &p) || p.p_type != PT_DYNAMIC) continue;
        se_Elf_Data *d = L.elf_getdata_rawchunk(e->elf, (int64_t)p.p_offset, p.p_filesz, SE_ELF_T_DYN);
        if (!d) return -1;
        size_t count = 0;
        for (int j = 0; count < max; j++) {
            Elf64_Dyn dyn;
            if (!L.gelf_getdyn(d, j, &dyn)) break;
            out[count].tag = dyn.d_tag;
            out[count].val = dyn.d_un.d_val;
            count++;
            if (dyn.d_tag == DT_NULL) break;
        }
        return (long)count;
    }
    return 0;
}
