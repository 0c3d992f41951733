/* A plugin built without spank_skiff.lds, which check-spank-exports.sh must reject: a helper
   left global, and a function from a library that slurmstepd does not load. */
extern int cap_clear(void*);

const char plugin_name[] = "leaky";
const char plugin_type[] = "spank";
const unsigned int plugin_version = 0;
const unsigned int spank_plugin_version = 1;

int leaked_helper(void) { return cap_clear(0); }

int slurm_spank_init(void* sp, int argc, char** argv) {
    (void)sp;
    (void)argc;
    (void)argv;
    return leaked_helper();
}
