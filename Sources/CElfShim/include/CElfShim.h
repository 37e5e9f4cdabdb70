#ifndef SE_CELFSHIM_H
#define SE_CELFSHIM_H
// A libelf bridge loaded at run time with dlopen("libelf.so.1"), so that the staticcheck-elf
// executable never needs libelf (or its headers) to build or to run; only the cross-check
// (`inspect --cross-check`, and the differential tests) uses it when libelf is installed.
#include <stddef.h>
#include <stdint.h>

// Loads libelf. Returns 0 on success; otherwise writes the reason into err.
int se_libelf_load(char *err, size_t errlen);
// The version string of the loaded libelf (elfutils), or "".
const char *se_libelf_name(void);

typedef struct se_elf se_elf;

typedef struct {
    int cls;                  // 1 or 2
    int data;                 // 1 or 2
    uint16_t type, machine;
    uint32_t version, flags;
    uint64_t entry, phoff, shoff;
    uint16_t ehsize, phentsize, shentsize;
    uint64_t phnum, shnum, shstrndx;   // resolved through extended numbering
} se_ehdr;

typedef struct {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
} se_phdr;

typedef struct {
    char name[256];
    uint32_t type, link, info;
    uint64_t flags, addr, offset, size, addralign, entsize;
    uint64_t symbols;         // entries for SHT_SYMTAB/SHT_DYNSYM, else 0
} se_shdr;

typedef struct { int64_t tag; uint64_t val; } se_dyn;

// Opens path with libelf. NULL on failure with the reason in err.
se_elf *se_elf_open(const char *path, char *err, size_t errlen);
void se_elf_close(se_elf *e);
int se_elf_ehdr(se_elf *e, se_ehdr *out);
int se_elf_phdr(se_elf *e, size_t i, se_phdr *out);
int se_elf_shdr(se_elf *e, size_t i, se_shdr *out);
// Dynamic entries of PT_DYNAMIC read through libelf (elf_getdata_rawchunk + gelf_getdyn):
// returns the number written (up to max, stopping after the first DT_NULL), or -1.
long se_elf_dynamic(se_elf *e, se_dyn *out, size_t max);
const char *se_elf_errmsg(void);

#endif
