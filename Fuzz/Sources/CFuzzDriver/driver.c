// Declarations only: see include/driver.h.
