//! The generator refuses spec parameters named like the wire's protocol parameters; the
//! runtime refuses them in inputs. The two lists live apart (the generator does not depend
//! on the runtime), so this keeps them equal.

#[test]
fn the_generator_and_the_runtime_reserve_the_same_wire_names() {
    let mut generator = livegen_generator::validate::RESERVED_PARAM_NAMES.to_vec();
    let mut runtime = livegen_runtime::RESERVED_PARAM_NAMES.to_vec();
    generator.sort_unstable();
    runtime.sort_unstable();
    assert_eq!(generator, runtime);
}
